// The pieces of SampleSupport that need no DPDK: option values and the skeleton's argument split.
import MPCore
import SampleSupport
import Testing

@Suite struct SampleSupportTests {
    @Test(arguments: [("3", UInt64(3)), ("0x3", 3), ("0XfF", 0xff), ("0", 0), ("ffffffffffffffff", .max)])
    func portMask(_ text: String, _ bits: UInt64) {
        #expect(PortMask(argument: text).bits == bits)
    }

    @Test(arguments: ["", "0x", "x3", "+3", "-3", "3g", "1 0", "10000000000000000"])
    func notAPortMask(_ text: String) {
        let mask = PortMask(argument: text)
        #expect(mask.bits == nil)
        #expect(mask.ports.isEmpty)
        #expect(mask.text == text)
    }

    @Test func portMaskPorts() {
        #expect(PortMask(argument: "0x8000000000000005").ports == [PortID(0), PortID(2), PortID(63)])
    }

    @Test func givenKeepsTextAndValue() {
        #expect(Given<Int>(argument: "12").value == 12)
        #expect(Given<Int>(argument: "1e3").value == nil)
        #expect(Given<Int>(argument: "1e3").text == "1e3")
        #expect(Given<Double>(argument: "1e3").value == 1000)
        #expect(Given<ForwardingMode>(argument: "macswap").value == .macswap)
        #expect(Given<ForwardingMode>(argument: "5tuple").value == nil)
    }

    @Test func applicationArguments() {
        #expect(Sample<NoOptions>.applicationArguments(["prog", "-l", "0", "--", "-p", "3", "--", "x"]) == ["-p", "3", "--", "x"])
        #expect(Sample<NoOptions>.applicationArguments(["prog", "-l", "0"]) == [])
        #expect(Sample<NoOptions>.applicationArguments(["prog", "--"]) == [])
    }

    @Test func programName() {
        let sample = Sample<NoOptions>(name: "fallback", errorPrefix: "Error: ", arguments: ["/x/y/symmetric_mp", "-l", "1"]) { "\($0) usage" }
        #expect(sample.program == "symmetric_mp")
        #expect(sample.usage == "symmetric_mp usage")
        #expect(Sample<NoOptions>(name: "fallback", errorPrefix: "", arguments: []) { $0 }.program == "fallback")
    }
}
