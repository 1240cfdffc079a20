import Glibc
import MPCore

/// The main lcore's interactive prompt (C `cmdline_interact` with `simple_mp_ctx`).
///
/// Reads commands from stdin, a terminal or a pipe, until `quit`, end of input or a signal.
/// When stdin is not a terminal the command is echoed after the prompt, as DPDK's cmdline does,
/// so a transcript reads the same either way.
func runPrompt(sendRing: Ring<PoolBuffer>, pool: Mempool) {
    let echo = isatty(STDIN_FILENO) == 0
    var input = LineReader()
    while !Shutdown.requested {
        print("\nsimple_mp > ", terminator: "")
        Console.flush()
        guard let line = input.next() else { print(); return } // end of input, or a signal
        if echo { print(line) }
        switch Command(parsing: line) {
        case .send(let text):
            send(text, on: sendRing, pool: pool)
        case .help:
            print(Command.helpText, terminator: "")
        case .quit:
            return
        case .empty:
            break
        case .badArguments:
            print("Bad arguments")
        case .notFound:
            print("Command not found")
        }
    }
}

/// C `cmd_send_parsed`: copy the string into a pool buffer (truncated like `strlcpy`) and enqueue it.
func send(_ text: String, on ring: Ring<PoolBuffer>, pool: Mempool) {
    let buffer: PoolBuffer
    do {
        buffer = try pool.get()
    } catch {
        print("Failed to get message buffer: \(error)") // the C sample panics here
        return
    }
    buffer.storeCString(text)
    if ring.enqueue(buffer) != nil { // full: the returned buffer goes back to the pool
        print("Failed to send message - message discarded")
    }
}

/// One line of input, parsed like the C sample's three cmdline instructions.
enum Command: Equatable {
    case send(String), help, quit, empty, badArguments, notFound

    init(parsing line: String) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let verb = words.first else { self = .empty; return }
        switch verb {
        case "send":
            // C's token takes one word; a message may hold spaces here, trimmed at the ends.
            guard words.count >= 2 else { self = .badArguments; return }
            let start = line.firstIndex(of: "s")!; let rest = line[start...].dropFirst(4)
            self = .send(Substring(rest).trimmingWhitespace())
        case "help": self = words.count == 1 ? .help : .badArguments
        case "quit": self = words.count == 1 ? .quit : .badArguments
        default: self = .notFound
        }
    }

    static let helpText = """
        Simple demo example of multi-process in RTE

        This is a readline-like interface that can be used to
        send commands to the simple app. Commands supported are:

        - send [string]
        - help
        - quit


        """
}

extension Substring {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
