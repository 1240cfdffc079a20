// What symmetric_mp offers DPDK's own tools: packet capture in the primary (dpdk-dumpcap,
// dpdk-pdump), `/symmetric_mp/stats` on the telemetry socket, and its log type
// (`--log-level=symmetric_mp:debug`).
import MPCore

/// The application's log type in DPDK's log.
let log = Log("symmetric_mp") ?? .fallback

/// Capture and telemetry for this process; none of it touches the datapath.
enum Observability {
    /// Enables capture (primary only: the tools reach only the primary) and registers
    /// `/symmetric_mp/stats`. Failures cost the tool, not the forwarding: logged as warnings.
    /// - Returns: whether capture was enabled, to disable it at exit.
    static func start(role: ProcessRole, procID: Int, ports: [EthPort], counters: PortCounters) -> Bool {
        var capture = false
        if role == .primary {
            do {
                try PacketCapture.enable()
                capture = true
            } catch {
                log.warning("packet capture unavailable: \(error)")
            }
        }
        do {
            try Telemetry.register("/symmetric_mp/stats",
                                   help: "This process: proc_id, and per port rx, tx, drop. Parameters: int port_id (optional)") {
                params, reply in
                reply.add("proc_id", UInt64(procID))
                if let params {
                    guard let id = UInt16(params), let i = ports.firstIndex(where: { $0.id.rawValue == id }) else {
                        return reply.reject()
                    }
                    reply.add("port", UInt64(id))
                    reply.add("rx", counters.total(.rx, port: i))
                    reply.add("tx", counters.total(.tx, port: i))
                    reply.add("drop", counters.total(.drop, port: i))
                    return
                }
                reply.add("port", ports.map { UInt64($0.id.rawValue) })
                reply.add("rx", ports.indices.map { counters.total(.rx, port: $0) })
                reply.add("tx", ports.indices.map { counters.total(.tx, port: $0) })
                reply.add("drop", ports.indices.map { counters.total(.drop, port: $0) })
            }
        } catch {
            log.warning("telemetry command unavailable: \(error)")
        }
        log.debug("packet capture \(capture ? "enabled" : "not enabled (secondary)"); telemetry command /symmetric_mp/stats")
        return capture
    }
}
