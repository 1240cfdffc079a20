// Beyond the C sample: the server watches its registered clients, notices a death within
// milliseconds (pidfd) and a stall (heartbeat), stops handing packets to them, and takes back
// everything a dead client held before its id can be claimed again.
import ClientServerShared
import Glibc
import MPCore
import SampleSupport

/// The monitor's body, on a control thread. It alone writes the slots' status and publishes
/// delivery plans; the forwarding loop only reads them.
struct ClientMonitor: Sendable {
    let registry: ClientRegistry
    let rings: [Ring<Mbuf>]
    let returnRings: [Ring<Mbuf>]
    let pool: PacketPool
    let mark: MbufField
    let board: DeliveryBoard
    let stallTimeoutNanoseconds: UInt64
    let poolHealth: PoolHealth
    /// Takes back read locks of the EAL's memory hotplug lock left by processes that died
    /// holding one (a client killed inside rte_eal_init); nil when the lock cannot be found.
    let lockRepair: EALLockRepair?

    /// How often the monitor looks: a death is noticed within this (plus the reclaim).
    static let periodMicroseconds: UInt32 = 5_000

    init(state: ServerState, board: DeliveryBoard, poolHealth: PoolHealth) {
        registry = state.registry
        rings = state.rings
        returnRings = state.returnRings
        pool = state.pool
        mark = state.mark
        self.board = board
        stallTimeoutNanoseconds = UInt64(state.options.stallTimeoutMilliseconds) * 1_000_000
        self.poolHealth = poolHealth
        lockRepair = EALLockRepair(log: log, vouched: "a registered client")
    }

    /// The last heartbeat seen from a registered client, and when it moved.
    struct Beat {
        var value: UInt64
        var at: UInt64
    }

    /// Watches until shutdown.
    func run() {
        // Per client id: a handle on the registered process, and its heartbeat.
        var processes = FixedArray<ProcessHandle?>(count: rings.count) { _ in nil }
        var beats = [Beat](repeating: Beat(value: 0, at: 0), count: rings.count)
        var tick = 0
        var lockState = EALLockRepair.State()
        while !Shutdown.requested {
            usleep(Self.periodMicroseconds)
            let now = monotonicNanoseconds()
            for c in rings.indices {
                let slot = registry.slot(c)
                switch slot.status {
                case .unregistered, .vacant:
                    let pid = slot.readyPID
                    if pid != 0 && pid == slot.pid {
                        processes[c] = accept(c, pid: pid)
                        beats[c] = Beat(value: slot.heartbeat.value, at: now)
                    } else if pid == 0, case let claimant = slot.pid, claimant != 0,
                              ProcessHandle.startTime(of: claimant) == nil {
                        // Killed between its claim and its ready mark: it held nothing yet.
                        slot.release()
                        serverLog("client \(c): process \(claimant) exited while claiming the id; released")
                    }
                case .alive, .stalled:
                    let pid = slot.pid
                    if processes[c]?.hasExited ?? true {
                        processes[c] = nil
                        reclaim(c, pid: pid, why: "exited")
                    } else {
                        checkHeartbeat(c, pid: pid, &beats[c], now: now)
                    }
                case .starting, .dead:
                    break // transient states of accept and reclaim, which run here
                }
            }
            tick += 1
            if tick % 20 == 0 {
                poolHealth.check(pool)
                lockRepair?.check(&lockState, vouchedFor: isClaimedClient, now: now)
            }
        }
    }

    /// A client claimed id `c`: check it is who it says, empty the id's rings of what was
    /// handed to nobody, and start delivering to it with its owner mark.
    private func accept(_ c: Int, pid: Int32) -> ProcessHandle? {
        let slot = registry.slot(c)
        let process: ProcessHandle
        do {
            process = try ProcessHandle(pid: pid)
        } catch {
            reclaim(c, pid: pid, why: "exited during registration")
            return nil
        }
        // The pidfd names whatever process has this PID now; the start time says it is the claimant.
        guard ProcessHandle.isRunning(pid: pid, startTime: slot.startTime) else {
            reclaim(c, pid: pid, why: "exited during registration")
            return nil
        }
        slot.setStatus(.starting)
        guard publishPlan() else { return nil }
        // Packets queued for the id before the client registered stay for it, in order, but
        // marked as its own, so that they come back if it dies before taking them.
        if registry.clientsReturn {
            var queued = MbufBurst(capacity: rings[c].capacity + 1)
            rings[c].dequeueBurst(into: &queued)
            queued.setField(mark, to: ClientRegistry.markValue(client: c))
            let ok = rings[c].enqueueAll(&queued)
            assert(ok, "a ring takes back what it held")
        }
        slot.bumpGeneration()
        slot.setStatus(.alive)
        guard publishPlan() else { return nil }
        serverLog("client \(c): registered (pid \(pid), lcore \(slot.lcore))")
        return process
    }

    /// Stalled when the heartbeat stands still past the timeout; alive again when it moves.
    private func checkHeartbeat(_ c: Int, pid: Int32, _ beat: inout Beat, now: UInt64) {
        let slot = registry.slot(c)
        let value = slot.heartbeat.value
        if value != beat.value {
            beat = Beat(value: value, at: now)
            if slot.status == .stalled {
                slot.setStatus(.alive)
                _ = publishPlan()
                serverLog("client \(c): alive again (pid \(pid))")
            }
        } else if slot.status == .alive && now &- beat.at > stallTimeoutNanoseconds {
            slot.setStatus(.stalled)
            _ = publishPlan()
            serverLog("client \(c): stalled (pid \(pid), no heartbeat for \((now &- beat.at) / 1_000_000) ms); its share goes to the live clients")
        }
    }

    /// Client `c` (process `pid`) is gone: stop delivering to it, then take back what it gave
    /// back, what is still in its ring, and every mbuf that carries its mark, and free the id.
    private func reclaim(_ c: Int, pid: Int32, why: String) {
        let slot = registry.slot(c)
        slot.setStatus(.dead)
        guard publishPlan() else { return }
        // From here on the forwarding loop holds no mbuf for `c` and touches neither of its rings.
        let returnRing = returnRings[c]
        returnRing.unsafeForgetEnqueueOfDeadProducer()
        var burst = MbufBurst(capacity: 64)
        while freeGivenBack(from: returnRing, using: &burst, mark: mark) {}
        let taken: Int
        var lost = ""
        if registry.clientsReturn {
            // Everything in its ring carries its mark: drop the pointers, the mark search frees them.
            _ = rings[c].unsafeDiscardAfterDeadConsumer()
            taken = pool.unsafeReclaim(marked: mark, value: ClientRegistry.markValue(client: c))
        } else if !poolHealth.isUsable(pool) {
            // Without --reclaim the client freed into the pool itself, and it died inside the
            // pool's ring: a free into it would wait for ever. Reported; nothing taken back.
            taken = 0
            lost = " (it died inside the mbuf pool's ring, which is now stuck: nothing can be freed into it)"
        } else {
            // Without --reclaim the client freed into the pool itself: what is queued for it can
            // be taken back, what it held when it died (a burst, its TX buffers) cannot.
            var queued = MbufBurst(capacity: rings[c].capacity + 1)
            rings[c].unsafeForgetDequeueOfDeadConsumer()
            rings[c].dequeueBurst(into: &queued)
            taken = queued.free()
            lost = " (what it held itself is lost: start the server with --reclaim to take everything back)"
        }
        slot.reclaimed.add(UInt64(taken))
        slot.release()
        slot.setStatus(.vacant)
        _ = publishPlan()
        serverLog("client \(c): \(why) (pid \(pid)); took back \(taken) mbufs it held or had queued\(lost); its share goes to the live clients until id \(c) returns")
    }

    /// Whether `pid` is the process that claimed one of the registry's slots (so it has
    /// returned from rte_eal_init): the processes the lock repair vouches for.
    private func isClaimedClient(_ pid: Int32) -> Bool {
        guard let start = ProcessHandle.startTime(of: pid) else { return false }
        return rings.indices.contains { registry.slot($0).pid == pid && registry.slot($0).startTime == start }
    }

    /// Publishes the plan for the slots' current statuses and waits until the loop has it.
    private func publishPlan() -> Bool {
        board.publish(DeliveryPlan(statuses: rings.indices.map { registry.slot($0).status },
                                   clientsReturn: registry.clientsReturn))
    }
}

/// One line in DPDK's log, type `mp_server` (`--log-level=mp_server:...`), for events the
/// statistics screen would scroll away: client state changes and damage found in shared memory.
func serverLog(_ line: String, level: Log.Level = .notice) {
    log.log(level, line)
}
