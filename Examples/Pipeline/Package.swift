// swift-tools-version:6.2
// 6.2: MPCore's minimum (its package needs Swift 6.2), so that an older toolchain says so here
// rather than when it resolves MPCore; the example itself needs nothing newer.
import PackageDescription

// A package of your own that uses MPCore: it depends on MPCore by version, like on any other
// package. Put MPCore's repository URL here; scripts/test-example.sh sets MPCORE_URL to a
// temporary clone tagged 1.0.0. The machine needs DPDK and libdpdk-swiftpm.pc (see MPCore's
// README, "Using MPCore from your package").
let mpcoreURL = Context.environment["MPCORE_URL"] ?? "https://github.com/your-org/swift-dpdk-multiprocess.git"

let package = Package(
    name: "Pipeline",
    dependencies: [
        .package(url: mpcoreURL, from: "1.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "Pipeline",
            dependencies: [.product(name: "MPCore", package: "swift-dpdk-multiprocess")]
        ),
    ]
)
