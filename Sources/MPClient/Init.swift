// mp_client/client.c: main's look-ups, configure_output_ports and configure_tx_buffer.
import ClientServerShared
import MPCore

/// A failure to attach to the server's objects: one line for the user.
struct InitError: Error {
    let message: String
}

/// What the client found in shared memory and set up for itself.
struct ClientSetup {
    let clientID: Int
    let ring: Ring<Mbuf>
    let pool: PacketPool
    let portInfo: PortInfo
    /// The ports in `port_info.id[]` order.
    let ports: [EthPort]
    /// For each input port id (`mbuf->port`), the position in `ports` of its output port:
    /// `id[2k]` <-> `id[2k+1]`. Ports the server does not pair (it never sends their packets:
    /// it refuses odd port counts) map to position 0, as the C client's zeroed table maps them
    /// to port 0.
    let outputOf: [Int]

    /// Looks up the client's ring, the mbuf pool and the port info, and pairs the ports.
    static func attach(clientID: Int) throws(InitError) -> ClientSetup {
        guard EthPort.availableCount > 0 else { throw InitError(message: "No Ethernet ports - bye") }
        let ring: Ring<Mbuf>
        do {
            ring = try Ring<Mbuf>.lookup(name: ClientServer.clientRingName(clientID))
        } catch {
            throw InitError(message: "Cannot get RX ring \(ClientServer.clientRingName(clientID)) - is the server running with more than \(clientID) clients?")
        }
        let pool: PacketPool
        do { pool = try PacketPool.lookup(name: ClientServer.poolName) } catch {
            throw InitError(message: "Cannot get mempool for mbufs: \(error)")
        }
        let portInfo: PortInfo
        do { portInfo = try PortInfo.lookup() } catch {
            throw InitError(message: "Cannot get port info structure: \(error)")
        }
        var ports: [EthPort] = []
        for id in portInfo.ports {
            do { ports.append(try EthPort(id)) } catch {
                throw InitError(message: "Port \(id) in \(ClientServer.portInfoName) is not usable: \(error)")
            }
        }
        // configure_output_ports
        guard !ports.isEmpty else {
            throw InitError(message: "\(ClientServer.portInfoName) lists no ports - is the server initialised?")
        }
        var outputOf = [Int](repeating: 0, count: ClientServer.maxPorts)
        var i = 0
        while i + 1 < ports.count {
            outputOf[Int(ports[i].id.rawValue)] = i + 1
            outputOf[Int(ports[i + 1].id.rawValue)] = i
            i += 2
        }
        return ClientSetup(clientID: clientID, ring: ring, pool: pool, portInfo: portInfo,
                           ports: ports, outputOf: outputOf)
    }

    /// `configure_tx_buffer` for every port: 32 packets, on TX queue CLIENT_ID, drops counted in
    /// this client's `tx_drop` slot of the port info (by DPDK's count callback).
    /// Registered clients give every packet back to the server (`returning`) instead of freeing it.
    func makeTxBuffers(returning: ReturnPath?) throws(InitError) -> FixedArray<TxBuffer> {
        do {
            return try FixedArray(count: ports.count) { (i: Int) throws(DPDKError) -> TxBuffer in
                try TxBuffer(port: ports[i], queue: QueueID(UInt16(clientID)), capacity: ClientServer.burstSize,
                             drops: portInfo.txDrop(client: clientID, port: ports[i].id), returning: returning)
            }
        } catch {
            throw InitError(message: "Cannot allocate buffer for tx: \(error)")
        }
    }
}
