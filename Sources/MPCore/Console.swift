import CDPDK
import Glibc

/// Standard output and error for the samples: line-buffered output that another process (or a
/// test) reads as it comes, and one-line errors on stderr.
public enum Console {
    /// Makes stdout line-buffered even into a pipe, so each line is seen when printed.
    public static func lineBuffered() { setvbuf(cdpdk_stdout(), nil, _IOLBF, 0) }

    /// Flushes stdout: after a prompt with no newline.
    public static func flush() { fflush(cdpdk_stdout()) }

    /// Writes `line` and a newline to stderr, after what stdout holds, so the two read in order.
    public static func error(_ line: String) {
        flush()
        fputs(line + "\n", cdpdk_stderr())
    }
}
