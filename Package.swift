// swift-tools-version:6.0
import PackageDescription

// DPDK's include paths and libraries come from `pkg-config libdpdk`, through the LibDPDK system
// library target: no unsafe flags, so other packages can depend on MPCore. SwiftPM cannot parse
// Debian's libdpdk.pc as installed (its Description spans lines): scripts/setup.sh installs a copy
// it can, as the README explains. SwiftPM keeps only the -I/-L/-l flags of the .pc file; the
// `-include rte_config.h` it drops is the first include of CDPDK.h.
// PMDs (net_null, net_tap, mempool_ring, ...) are loaded by the EAL from its plugin directory,
// exactly as for the C samples built with `make`; net_ring is linked because MPCore calls it
// (rte_eth_from_rings), and libdpdk.pc lists only DPDK's libraries, not its drivers.
let dpdkLibraries = ["rte_eal", "rte_kvargs", "rte_telemetry", "rte_ring", "rte_mempool",
                     "rte_mbuf", "rte_ethdev", "rte_net", "rte_net_ring"]

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
    ],
    targets: [
        .systemLibrary(
            name: "LibDPDK",
            pkgConfig: "libdpdk",
            providers: [.apt(["libdpdk-dev"])]
        ),
        .target(
            name: "CDPDK",
            dependencies: ["LibDPDK"],
            linkerSettings: dpdkLibraries.map { .linkedLibrary($0) }
        ),
        .target(name: "MPCore", dependencies: ["CDPDK"]),
        .executableTarget(
            name: "SimpleMP", dependencies: ["MPCore"]),
        .executableTarget(
            name: "SymmetricMP",
            dependencies: ["MPCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // client_server_mp/shared/common.h: names and the port info memzone, for both programs.
        .target(name: "ClientServerShared", dependencies: ["MPCore", "CDPDK"]),
        .executableTarget(
            name: "MPServer",
            dependencies: ["MPCore", "ClientServerShared", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "MPClient",
            dependencies: ["MPCore", "ClientServerShared", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "MPCoreTests", dependencies: ["MPCore", "CDPDK"]),
        .testTarget(name: "MultiProcessTests", dependencies: []),
    ]
)
