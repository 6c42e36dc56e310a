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

    /// Runs a command to completion, off Swift's cooperative threads.
    static func run(_ arguments: [String], environment: [String: String] = [:], executable: URL = executable) async throws -> Finished {
        let result = try await ChildProcess.run([executable.path] + arguments, environment: environment)
        return Finished(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// `keyfob apps create --name NAME --redirect-uri … --json` on `database`: the app's id and
    /// secret, and everything it printed (the management token, say).
    static func createApp(
        _ name: String,
        database: String,
        redirectURI: String = "https://client.example.com/cb",
        extra: [String] = []
    ) async throws -> (id: String, secret: String, printed: [String: Any]) {
        let created = try await run(["apps", "create", "--name", name, "--redirect-uri", redirectURI, "--database", database, "--json"] + extra)
        #expect(created.status == 0, "\(created.stderr)")
        return (try #require(created.json["client_id"] as? String), created.json["client_secret"] as? String ?? "", created.json)
    }

    /// A `keyfob serve` process on a free loopback port.
    final class Server: @unchecked Sendable {
        let process: ChildProcess
        let port: Int
        let output: URL
        var baseURL: String { "http://127.0.0.1:\(port)" }

        convenience init(database: String, extra: [String] = ["--no-demo-app"], environment: [String: String] = [:]) throws {
            let port = try FreePort.find()
            try self.init(
                port: port,
                arguments: ["--host", "127.0.0.1", "--port", String(port), "--database", database] + extra,
                environment: environment
            )
        }

        /// `keyfob serve` with only these arguments: the port, say, may come from a config file.
        init(port: Int, arguments: [String], environment: [String: String] = [:]) throws {
            self.port = port
            output = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-serve-\(UUID().uuidString).log")
            process = try ChildProcess([KeyfobProcess.executable.path, "serve"] + arguments, output: output, environment: environment)
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
            process.signal(SIGKILL)
            process.wait()
        }

        func stop() {
            if process.isRunning {
                process.signal(SIGTERM)
                process.wait()
            }
            try? FileManager.default.removeItem(at: output)
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "keyfob serve did not start:\n\(log)" }
    }
}
