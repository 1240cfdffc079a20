import Foundation

/// Where the executables under test are.
enum Binaries {
    /// The Swift samples: beside the test bundle (`.build/debug` or `.build/release`), or in
    /// `$MP_BIN_DIR` when set.
    static let directory: String = {
        if let dir = ProcessInfo.processInfo.environment["MP_BIN_DIR"] { return dir }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
        if url.path == "/" { url = URL(fileURLWithPath: CommandLine.arguments[0]) }
        return url.deletingLastPathComponent().path
    }()

    static func swift(_ name: String) -> String { directory + "/" + name }

    /// A Swift sample's release build (`swift build -c release`, which scripts/test.sh runs): for
    /// the few checks of speed, which a debug build cannot show.
    static func release(_ name: String) -> String? {
        let path = packageRoot + "/.build/release/" + name
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// The C samples, built from the dpdk-doc sources once per test run.
    static let cSamples: [String: String] = {
        let script = packageRoot + "/scripts/build-c-samples.sh"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, packageRoot + "/.build/c-samples"]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var paths: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            paths[URL(fileURLWithPath: String(line)).lastPathComponent] = String(line)
        }
        return paths
    }()

    /// A C sample by name (`simple_mp`, `symmetric_mp`, `mp_server`, `mp_client`).
    static func c(_ name: String) -> String? { cSamples[name] }

    /// The package root, found from this source file's path.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()
}
