// What the server offers DPDK's own tools: packet capture (dpdk-dumpcap, dpdk-pdump), its
// telemetry commands (dpdk-telemetry.py), and its log type (--log-level=mp_server:debug).
import ClientServerShared
import MPCore

/// The server's log type in DPDK's log: `--log-level=mp_server:debug` shows its diagnostics.
let log = Log("mp_server") ?? .fallback

/// Starts and stops the server's observability, none of which touches the datapath. A
/// failure here costs a tool, not the forwarding: it is logged as a warning, and the server runs on.
struct Observability: ~Copyable {
    private var sampler: ControlThread?
    private let capture: Bool

    /// Enables capture, starts the rate sampler and registers the telemetry commands.
    static func start(display: StatsDisplay, rates: PortRates) -> Observability {
        var capture = true
        do { try PacketCapture.enable() } catch {
            log.warning("packet capture unavailable: \(error)")
            capture = false
        }
        var sampler: ControlThread?
        do { sampler = try rates.startSampling() } catch {
            log.warning("no rates: \(error)")
        }
        do { try ServerTelemetry.register(display: display, rates: rates) } catch {
            log.warning("telemetry commands unavailable: \(error)")
        }
        // Where clients publish their own figures for /mp_client/stats (ClientStatsZone).
        do {
            try ServerTelemetry.registerClientStats(try ClientStatsZone.reserve(), portInfo: display.portInfo, ports: display.ports)
        } catch {
            log.warning("/mp_client/stats unavailable: \(error)")
        }
        log.debug("packet capture \(capture ? "enabled" : "disabled"); telemetry commands /mp_server/clients, /mp_server/ports, /mp_client/stats")
        return Observability(sampler: sampler, capture: capture)
    }

    /// Once the datapath has stopped: ends the telemetry handlers, joins the sampler (it ends on
    /// shutdown) and disables capture, before the counters and the EAL go.
    consuming func stop() {
        Telemetry.unregisterAll() // they read the counters, freed when serve() returns
        sampler.take()?.join()
        if capture { PacketCapture.disable() }
    }
}
