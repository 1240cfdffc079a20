import Glibc
import MPCore

extension EthPort {
    /// Waits up to 9 s for every port's link to come up, then prints each port's link, with the
    /// output of the C samples' `check_all_ports_link_status`: "\nChecking link status", a dot
    /// per 100 ms of waiting, "done", then "Port N Link up at 10 Gbps FDX Fixed" (or
    /// "Port N link get failed: ...") per port. Stops waiting early when a stop is requested.
    public static func checkAllPortsLinkStatus(_ ports: [EthPort]) {
        let checkInterval: UInt32 = 100_000 // 100 ms
        let maxChecks = 90 // 9 s in all
        print("\nChecking link status", terminator: "")
        Console.flush()
        for count in 0...maxChecks {
            let allUp = ports.allSatisfy { (try? $0.link().isUp) ?? false }
            if allUp || count == maxChecks - 1 || Shutdown.requested { break }
            print(".", terminator: "")
            Console.flush()
            usleep(checkInterval)
        }
        print("done")
        for port in ports {
            do {
                print("Port \(port.id) \(try port.link())")
            } catch {
                print("Port \(port.id) link get failed: \(error.message)")
            }
        }
        Console.flush()
    }
}
