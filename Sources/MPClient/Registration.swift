// Beyond the C sample: under a Swift server, the client claims its id in the client registry,
// proves it is alive with a heartbeat, and gives every packet back to the server through its
// return ring instead of freeing it into the shared pool. Under a C server (no registry) it runs
// as the C client does.
import ClientServerShared
import Glibc
import MPCore
import SampleSupport

/// This client's place in a Swift server's registry.
struct Registration {
    let slot: ClientSlot
    /// Where sent and refused packets go back to the server, under `mp_server --reclaim`; nil
    /// otherwise (the client frees them into the pool, as the C client does).
    let returnPath: ReturnPath?

    /// How long to wait for the server: to take back a dead previous holder of the id, and to
    /// accept this one.
    static let timeoutMilliseconds = 3_000

    /// Claims `clientID` in the registry and waits until the server accepts it.
    /// - Returns: nil when the server has no registry (a C server).
    /// - Throws: `InitError` when a live process holds the id, or the server does not answer.
    static func register(clientID: Int, lcore: LcoreID) throws(InitError) -> Registration? {
        guard let registry = ClientRegistry.lookup() else { return nil }
        let slot = registry.slot(clientID)
        let me = getpid()
        guard let myStart = ProcessHandle.startTime(of: me) else {
            throw InitError(message: "Cannot read this process's start time from /proc")
        }
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        var generation = slot.generation
        while !slot.claim(pid: me, startTime: myStart, lcore: UInt32(lcore.rawValue)) {
            let holder = slot.pid
            if holder != 0 && slot.readyPID == holder
                && ProcessHandle.isRunning(pid: holder, startTime: slot.startTime) {
                throw InitError(message: "client id \(clientID) is in use by process \(holder): choose another id, or stop that client first")
            }
            // The holder is registering right now, or has died and the server has yet to take
            // back what it held: either way the id frees up shortly.
            guard monotonicMilliseconds() < deadline, !Shutdown.requested else {
                throw InitError(message: "client id \(clientID) is still held by process \(holder), which has exited, and the server has not released it - is the server running?")
            }
            usleep(2_000)
            generation = slot.generation
        }
        while !(slot.status == .alive && slot.generation != generation) {
            guard monotonicMilliseconds() < deadline, !Shutdown.requested else {
                throw InitError(message: "the server did not accept client \(clientID) within \(timeoutMilliseconds) ms")
            }
            usleep(1_000)
        }
        guard registry.clientsReturn else { return Registration(slot: slot, returnPath: nil) }
        let ring: Ring<Mbuf>
        do { ring = try Ring<Mbuf>.lookup(name: ClientServer.returnRingName(clientID)) } catch {
            throw InitError(message: "Cannot get return ring \(ClientServer.returnRingName(clientID)): \(error)")
        }
        return Registration(slot: slot, returnPath: ReturnPath(ring: ring, mark: registry.mark))
    }
}
