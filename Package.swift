// swift-tools-version:6.0
import PackageDescription

// Debian's libdpdk.pc has a multi-line Description that SwiftPM cannot parse, so the flags that
// `pkg-config --cflags libdpdk` prints are spelled out here. `-march=corei7` matters: DPDK's
// headers use SSE4.2 intrinsics and assume the build enabled them.
let dpdkIncludes = ["-I/usr/include/dpdk", "-I/usr/include/x86_64-linux-gnu/dpdk"]
let dpdkCFlags = dpdkIncludes + ["-include", "rte_config.h", "-march=corei7"]
let dpdkSwiftFlags = (dpdkIncludes + ["-march=corei7"]).flatMap { ["-Xcc", $0] }
// The libraries MPCore calls into. PMDs (net_null, net_tap, mempool_ring, ...) are loaded by
// the EAL from its plugin directory, exactly as for the C samples built with `make`.
// rte_pdump (with the rte_pcapng and rte_bpf it calls) serves dpdk-dumpcap and dpdk-pdump.
let dpdkLibraries = ["rte_eal", "rte_kvargs", "rte_telemetry", "rte_ring", "rte_mempool",
                     "rte_mbuf", "rte_ethdev", "rte_net", "rte_net_ring",
                     "rte_pdump", "rte_pcapng", "rte_bpf"]

let swiftSettings: [SwiftSetting] = [.unsafeFlags(dpdkSwiftFlags)]

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
        .target(
            name: "CDPDK",
            cSettings: [.unsafeFlags(dpdkCFlags)],
            linkerSettings: dpdkLibraries.map { .linkedLibrary($0) }
        ),
        .target(name: "MPCore", dependencies: ["CDPDK"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "SimpleMP", dependencies: ["MPCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "SymmetricMP",
            dependencies: ["MPCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        // client_server_mp/shared/common.h: names and the port info memzone, for both programs.
        .target(name: "ClientServerShared", dependencies: ["MPCore", "CDPDK"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "MPServer",
            dependencies: ["MPCore", "ClientServerShared", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "MPClient",
            dependencies: ["MPCore", "ClientServerShared", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .testTarget(name: "MPCoreTests", dependencies: ["MPCore", "CDPDK"], swiftSettings: swiftSettings),
        .testTarget(name: "MultiProcessTests", dependencies: [], swiftSettings: swiftSettings),
    ]
)
