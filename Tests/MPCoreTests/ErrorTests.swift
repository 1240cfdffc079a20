import Glibc
import MPCore
import Testing

@Suite struct DPDKErrorTests {
    @Test func sentenceNamesTheAttemptAndDPDKsText() {
        let e = DPDKError(code: ENOENT, attempted: "looking up ring SEC_2_PRI")
        #expect(e.description == "looking up ring SEC_2_PRI: No such file or directory")
        #expect(e.message == "No such file or directory")
    }

    @Test func dpdkOwnCodesHaveText() {
        // E_RTE_SECONDARY (1001) is DPDK's, not the C library's.
        #expect(DPDKError(code: 1001, attempted: "x").message == "Invalid call in secondary process")
    }

    @Test func lookupOfMissingObjectsSaysWhat() {
        _ = TestEAL.shared
        #expect(throws: DPDKError(code: ENOENT, attempted: "looking up ring NOPE")) { try Ring<Mbuf>.lookup(name: "NOPE") }
        #expect(throws: DPDKError(code: ENOENT, attempted: "looking up mempool NOPE")) { try Mempool.lookup(name: "NOPE") }
        do {
            _ = try Ring<Mbuf>.lookup(name: "NOPE")
        } catch {
            #expect("\(error)" == "looking up ring NOPE: No such file or directory")
        }
    }

    @Test func secondInitialisationIsRefused() {
        _ = TestEAL.shared
        #expect(throws: DPDKError(code: EALREADY, attempted: "initialising the EAL a second time")) {
            _ = try EAL(arguments: ["again", "--no-huge"])
        }
    }

    @Test func invalidPortIsRefused() {
        _ = TestEAL.shared
        #expect(throws: DPDKError(code: ENODEV, attempted: "using port 31")) { try EthPort(PortID(31)) }
    }
}
