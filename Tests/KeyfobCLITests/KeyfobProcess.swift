import Foundation
import KeyfobTestSupport
import Testing

/// The real `keyfob` executable, run as a child process, as a user or script would run it.
enum KeyfobProcess {
    /// The executable SwiftPM built beside this test bundle (or `KEYFOB_BIN`).
    static let executable = builtProduct("keyfob", override: "KEYFOB_BIN")

    /// A product SwiftPM built beside this test bundle, or the path an environment variable names.
    static func builtProduct(_ name: String, override variable: String) -> URL {
        if let path = ProcessInfo.processInfo.environment[variable] { return URL(fileURLWithPath: path) }
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return here.appendingPathComponent(name)
    }

    struct Finished {
        let status: Int32
        let stdout: String
        let stderr: String
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]) ?? [:] }
    }

    /// Runs a command to completion.
    static func run(_ arguments: [String], executable: URL = executable) throws -> Finished {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Finished(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A `keyfob serve` process on a free loopback port.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        let output: URL
        var baseURL: String { "http://127.0.0.1:\(port)" }

        init(database: String, extra: [String] = ["--no-demo-app"]) throws {
            port = try FreePort.find()
            output = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-serve-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.executableURL = KeyfobProcess.executable
            process.arguments = ["serve", "--host", "127.0.0.1", "--port", String(port), "--database", database] + extra
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Waits until the server answers, up to 20 s.
        func waitUntilReady() async throws {
            for _ in 0..<200 {
                if let reply = try? await TestHTTP.send(.GET, baseURL + "/.well-known/oauth-authorization-server"), reply.status == 200 {
                    return
                }
                guard process.isRunning else { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ServerDidNotStart(log: log)
        }

        var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        /// SIGKILL: no shutdown code runs, as in a crash.
        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: output)
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "keyfob serve did not start:\n\(log)" }
    }
}
