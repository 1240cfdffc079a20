import CDPDK

/// The one error MPCore throws: what was being attempted, and DPDK's errno with its text.
///
/// Its `description` is a sentence for users ("looking up ring SEC_2_PRI: No such file or
/// directory"), never a bare number.
public struct DPDKError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The positive errno value DPDK reported (`rte_errno`, or the negated return code).
    public let code: Int32
    /// What MPCore was doing, phrased to follow "while": "configuring port 1".
    public let attempted: String

    /// An error for DPDK's errno `code` (positive: `ENOENT`, not `-ENOENT`), raised while doing
    /// `attempted`.
    public init(code: Int32, attempted: String) {
        self.code = code
        self.attempted = attempted
    }

    /// `rte_strerror(code)`: DPDK's text, which covers its own codes beyond the C library's.
    public var message: String { String(cString: rte_strerror(code)) }

    /// What was attempted and DPDK's text: "looking up ring SEC_2_PRI: No such file or directory".
    public var description: String { "\(attempted): \(message)" }

    /// An error from `rte_errno`, for the calls that return NULL or -1 on failure.
    static func fromErrno(_ attempted: @autoclosure () -> String) -> DPDKError {
        DPDKError(code: cdpdk_errno(), attempted: attempted())
    }

    /// Throws for a negative DPDK return code (`-errno`); returns non-negative results unchanged.
    @discardableResult
    static func check(_ ret: Int32, _ attempted: @autoclosure () -> String) throws(DPDKError) -> Int32 {
        if ret < 0 { throw DPDKError(code: -ret, attempted: attempted()) }
        return ret
    }
}
