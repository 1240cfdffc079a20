import CDPDK
import Glibc
import MPCore
import Testing

/// A DPDKError reads as a sentence: what was attempted, then DPDK's own text for the code.
/// Checked against `rte_strerror` and the named errno constants, not against copies of the
/// words, which belong to the C library and DPDK.
@Suite struct DPDKErrorTests {
    @Test func sentenceNamesTheAttemptAndDPDKsText() {
        let e = DPDKError(code: ENOENT, attempted: "looking up ring SEC_2_PRI")
        let text = String(cString: rte_strerror(ENOENT))
        #expect(e.message == text)
        #expect(e.description.hasPrefix(e.attempted) && e.description.hasSuffix(text), "\(e)")
    }

    @Test func dpdkOwnCodesHaveText() {
        // DPDK's own codes lie beyond the C library's: strerror has no text for them, rte_strerror has.
        let e = DPDKError(code: Int32(E_RTE_SECONDARY), attempted: "x")
        #expect(e.message == String(cString: rte_strerror(e.code)))
        #expect(e.message != String(cString: strerror(e.code)), "\(e.message)")
    }

    @Test func lookupOfMissingObjectsSaysWhat() {
        _ = TestEAL.shared
        expectDPDKError(ENOENT, naming: "NOPE") { _ = try Ring<Mbuf>.lookup(name: "NOPE") }
        expectDPDKError(ENOENT, naming: "NOPE") { _ = try Mempool.lookup(name: "NOPE") }
    }

    @Test func secondInitialisationIsRefused() {
        _ = TestEAL.shared
        expectDPDKError(EALREADY) { _ = try EAL(arguments: ["again", "--no-huge"]) }
    }

    @Test func invalidPortIsRefused() {
        _ = TestEAL.shared
        expectDPDKError(ENODEV, naming: "31") { _ = try EthPort(PortID(31)) }
    }
}
