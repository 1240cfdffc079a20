// A two-process pipeline on MPCore. The primary receives packets on port 0 and puts them on a
// ring; a secondary worker takes them off, rewrites their Ethernet addresses and sends them on
// port 0. Ctrl-C the primary first (input stops), then the worker (it empties the ring first):
//   pipeline -l 0 --no-pci --file-prefix=pipe --vdev net_null0
//   pipeline -l 1 --no-pci --file-prefix=pipe --proc-type=secondary
import Glibc
import MPCore

let ringName = "PIPELINE_RING", poolName = "PIPELINE_POOL", dropsName = "PIPELINE_TX_DROPS"
let rxQueue = QueueID(0), txQueue = QueueID(0)

/// Primary: configures the port, then receive -> ring until stopped.
func receive(on port: EthPort) throws(DPDKError) -> String {
    let pool = try PacketPool.create(name: poolName, count: 8191, cacheSize: 256)
    let ring = try Ring<Mbuf>.create(name: ringName, count: 4096, flags: [.singleProducer, .singleConsumer])
    try port.configure(rxQueues: 1, txQueues: 1, .init())
    try port.setupRxQueue(rxQueue, descriptors: 1024, pool: pool)
    try port.setupTxQueue(txQueue, descriptors: 1024)
    try port.start()
    print("primary: ready")
    var burst = MbufBurst()
    var received = 0, queued = 0, dropped = 0
    while !Shutdown.requested {
        received += port.receive(queue: rxQueue, into: &burst)
        queued += ring.enqueueBurst(&burst)
        dropped += burst.free() // what the ring had no room for
    }
    // The port closes with this process: give the worker up to a second to empty the ring.
    for _ in 0..<1000 where !ring.isEmpty { usleep(1000) }
    return "primary: received \(received), queued \(queued), dropped \(dropped)"
}

/// Secondary: ring -> rewrite -> transmit until stopped and the ring is empty.
func work(on port: EthPort) throws(DPDKError) -> String {
    let ring = try Ring<Mbuf>.lookup(name: ringName)
    let dropZone = try Memzone<UInt64>.reserve(name: dropsName)
    let drops = SharedCounter(unsafeAddress: dropZone.unsafePointer)
    let tx = try TxBuffer(port: port, queue: txQueue, drops: drops)
    print("worker: ready")
    var burst = MbufBurst()
    var taken = 0, changed = 0, sent = 0
    while true {
        let n = ring.dequeueBurst(into: &burst)
        if n == 0 {
            if Shutdown.requested { break }
            continue
        }
        taken += n
        burst.drain { m in
            var m = m
            changed += m.withUnsafeMutableBytes { eth in
                guard eth.count >= 12 else { return 0 }
                for i in 0..<12 { eth[i] = 0 }
                eth[0] = 0x02; eth[5] = 0x02 // destination 02:00:00:00:00:02
                eth[6] = 0x02; eth[11] = 0x01 // source 02:00:00:00:00:01 (locally administered)
                return 1
            }
            sent += tx.add(m)
        }
        sent += tx.flush()
    }
    return "worker: took \(taken), changed \(changed), sent \(sent), dropped \(drops.value)"
}

func main() -> Int32 {
    Console.lineBuffered()
    Shutdown.installHandlers() // before the EAL starts its threads, which inherit the setup
    do {
        // EAL.run cleans up when the body ends: no packet made inside can outlive it.
        return try EAL.run { eal in
            let port = try EthPort(PortID(0))
            switch eal.role { // the one place the role matters
            case .primary: print(try receive(on: port))
            case .secondary: print(try work(on: port))
            }
            return 0
        }
    } catch {
        Console.error("pipeline: \(error)")
        return 1
    }
}

exit(main())
