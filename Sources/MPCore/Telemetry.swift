import CDPDK
import Synchronization

/// Commands of this application on DPDK's telemetry socket (`rte_telemetry_register_cmd`),
/// answered in JSON to `dpdk-telemetry.py` or any client of `/var/run/dpdk/<prefix>/dpdk_telemetry.v2`.
///
/// Handlers run on DPDK's telemetry thread, not on an lcore, while the datapath runs: they may
/// only read what the datapath publishes for other threads (`SharedCounter` values, ethdev
/// statistics), never touch its bursts, buffers or rings. The datapath pays nothing: nothing is
/// computed until a client asks.
///
/// DPDK 22.11 calls back through a C function pointer, which cannot carry a Swift closure, so
/// the handlers live in a process-wide table keyed by command, and one C-convention function
/// looks them up and runs them under the table's lock, so `unregisterAll()` can end them before
/// the data they read goes away.
public enum Telemetry {
    /// Builds the reply to one command: `params` is what followed the comma ("/cmd,params"),
    /// nil when nothing did. Call `reply.reject()` for parameters the command does not accept.
    public typealias Handler = @Sendable (_ params: String?, _ reply: inout TelemetryReply) -> Void

    private static let handlers = Mutex<[String: Handler]>([:])

    /// Registers `command` (e.g. "/mp_server/clients"; letters, digits, '_' and '/') with its
    /// help text (127 bytes at most), which `/help,<command>` shows. Call after the EAL is initialised.
    /// - Throws: `DPDKError` when DPDK refuses the command (a name already taken, a bad name, or
    ///   more commands than DPDK holds).
    public static func register(_ command: String, help: String, _ handler: @escaping Handler) throws(DPDKError) {
        handlers.withLock { $0[command] = handler }
        let ret = rte_telemetry_register_cmd(command, { cmd, params, data in
            guard let cmd, let data else { return -EINVAL }
            let name = String(cString: cmd)
            var params = params.map { String(cString: $0) }
            if params?.isEmpty == true { params = nil }
            var reply = TelemetryReply(data)
            // Under the lock, so that `unregisterAll` waits for a handler that is running.
            let found = Telemetry.handlers.withLock { table -> Bool in
                guard let handler = table[name] else { return false }
                handler(params, &reply)
                return true
            }
            return found && !reply.rejected ? 0 : -EINVAL
        }, help)
        if ret != 0 {
            handlers.withLock { $0[command] = nil }
            throw DPDKError(code: -ret, attempted: "registering telemetry command \(command)")
        }
    }

    /// Stops running this process's handlers: from now on their commands answer `null` (DPDK
    /// 22.11 cannot unregister a command, so they stay listed). Call before freeing what the
    /// handlers read and before `EAL.cleanup()`: the telemetry thread runs until the process
    /// exits. Waits for a handler that is running.
    public static func unregisterAll() {
        handlers.withLock { $0.removeAll() }
    }
}

/// The reply a telemetry handler builds: one JSON object, `{"<command>": {...}}` on the socket.
///
/// Values are what DPDK 22.11's telemetry holds: unsigned 64-bit and signed 32-bit integers,
/// strings (127 bytes at most), and arrays of one of them under a key. Nested objects are not
/// available in this version: a table goes out as one array per column, indexed alike. Up to
/// 256 keys per reply, 512 entries per array; names of letters, digits, '_' and '/'.
public struct TelemetryReply: ~Copyable {
    private let data: OpaquePointer
    private(set) var rejected = false

    fileprivate init(_ data: OpaquePointer) {
        self.data = data
        rte_tel_data_start_dict(data)
    }

    /// The request cannot be answered (bad parameters): the client receives `null`.
    public mutating func reject() { rejected = true }

    /// `"name": value`.
    public func add(_ name: String, _ value: UInt64) { rte_tel_data_add_dict_u64(data, name, value) }

    /// `"name": value`, a signed 32-bit integer.
    public func add(_ name: String, _ value: Int32) { rte_tel_data_add_dict_int(data, name, value) }

    /// `"name": "value"`.
    public func add(_ name: String, _ value: String) { rte_tel_data_add_dict_string(data, name, value) }

    /// `"name": [values]`.
    public func add(_ name: String, _ values: [UInt64]) {
        add(name, RTE_TEL_U64_VAL) { array in for v in values { rte_tel_data_add_array_u64(array, v) } }
    }

    /// `"name": [values]`, signed 32-bit integers.
    public func add(_ name: String, _ values: [Int32]) {
        add(name, RTE_TEL_INT_VAL) { array in for v in values { rte_tel_data_add_array_int(array, v) } }
    }

    /// `"name": ["values"]`.
    public func add(_ name: String, _ values: [String]) {
        add(name, RTE_TEL_STRING_VAL) { array in for v in values { rte_tel_data_add_array_string(array, v) } }
    }

    /// A nested array, handed to the reply, which frees it once sent.
    private func add(_ name: String, _ type: rte_tel_value_type, _ fill: (OpaquePointer) -> Void) {
        guard let array = rte_tel_data_alloc() else { return }
        rte_tel_data_start_array(array, type)
        fill(array)
        if rte_tel_data_add_dict_container(data, name, array, 0) != 0 { rte_tel_data_free(array) }
    }
}
