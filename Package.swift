// swift-tools-version:6.2
// 6.2 is what the code needs, and the oldest toolchain that builds all of it: the samples use
// InlineArray (SE-0453, Swift 6.2), the tests exit tests (#expect(processExitsWith:), Swift
// Testing 6.2); nothing needs 6.3 (exit tests capture no values, which 6.3 would allow). An older
// toolchain stops here with "requires a minimum Swift tools version of 6.2" rather than in the
// compiler. No PackageDescription API beyond 5.x is used.
import PackageDescription

// No unsafe flags: other packages can depend on MPCore (SwiftPM before 6.2 refuses a dependency
// with them), and nothing of this machine is forced on them. DPDK's include paths come from
// pkg-config through the LibDPDK system library target, reading libdpdk-swiftpm.pc, which
// scripts/setup.sh derives from libdpdk.pc (README: "Using MPCore from your package"): SwiftPM
// cannot parse Debian's libdpdk.pc, and its Libs would link every DPDK library (SwiftPM drops
// its -Wl,--as-needed), which stops a Swift secondary from joining a C primary. Of DPDK's other
// flags, `-include rte_config.h` is CDPDK.h's first include and -march=corei7 is handled there.
// The libraries MPCore calls are linked here. PMDs (net_null, net_tap, mempool_ring, ...) are
// loaded by the EAL from its plugin directory, exactly as for the C samples built with `make`;
// net_ring is linked because MPCore calls it (rte_eth_from_rings); rte_pdump (with the
// rte_pcapng and rte_bpf it calls) serves dpdk-dumpcap and dpdk-pdump.
let dpdkLibraries = ["rte_eal", "rte_kvargs", "rte_telemetry", "rte_ring", "rte_mempool",
                     "rte_mbuf", "rte_ethdev", "rte_net", "rte_net_ring",
                     "rte_pdump", "rte_pcapng", "rte_bpf"]

let package = Package(
    name: "swift-dpdk-multiprocess",
    products: [
        .library(name: "MPCore", targets: ["MPCore"]),
        .executable(name: "simple_mp", targets: ["SimpleMP"]),
        .executable(name: "symmetric_mp", targets: ["SymmetricMP"]),
        .executable(name: "mp_server", targets: ["MPServer"]),
        .executable(name: "mp_client", targets: ["MPClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation`: MPCore's DocC catalog (scripts/build-docs.sh).
        // A command plugin only: nothing of it is built into MPCore or the packages that use it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "LibDPDK",
            pkgConfig: "libdpdk-swiftpm"
        ),
        .target(
            name: "CDPDK",
            dependencies: ["LibDPDK"],
            linkerSettings: dpdkLibraries.map { .linkedLibrary($0) }
        ),
        .target(name: "MPCore", dependencies: ["CDPDK"]),
        // What only the samples use: the start-up skeleton, usage errors, typed option values,
        // link status lines. Not part of the MPCore product.
        .target(
            name: "SampleSupport",
            dependencies: ["MPCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // client_server_mp/shared/common.h's layout (and this project's client registry), in C
        // so that it matches the C sample byte for byte. Header-only: include paths from LibDPDK.
        .target(name: "CClientServer", dependencies: ["LibDPDK"]),
        // The names and the shared memzones of mp_server and mp_client, in Swift.
        .target(name: "ClientServerShared", dependencies: ["MPCore", "CClientServer"]),
        // The samples' option parsers, in a library so that tests check them without DPDK running.
        .target(
            name: "SampleOptions",
            dependencies: ["MPCore", "SampleSupport", "ClientServerShared",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "SimpleMP", dependencies: ["MPCore", "SampleSupport"]),
        .executableTarget(name: "SymmetricMP", dependencies: ["MPCore", "SampleSupport", "SampleOptions"]),
        .executableTarget(
            name: "MPServer", dependencies: ["MPCore", "SampleSupport", "SampleOptions", "ClientServerShared"]),
        .executableTarget(
            name: "MPClient", dependencies: ["MPCore", "SampleSupport", "SampleOptions", "ClientServerShared"]),
        .testTarget(name: "MPCoreTests", dependencies: ["MPCore", "CDPDK"]),
        .testTarget(name: "SampleOptionsTests", dependencies: ["SampleOptions", "SampleSupport", "MPCore"]),
        .testTarget(name: "MultiProcessTests", dependencies: []),
    ]
)
