import MPCore

/// Prints `text` to standard output and shows it now, also when stdout is a pipe (a test, or
/// another process, reads the samples' output as it comes).
public func output(_ text: String, terminator: String = "\n") {
    print(text, terminator: terminator)
    Console.flush()
}
