import Foundation
import KeyfobTestSupport
import Testing

/// `keyfob-bare-route`, the baseline `Benchmarks/scripts/fixed-cost.sh` sets Keyfob's metadata
/// route beside: it must answer the very bytes it was given, or the comparison compares
/// different answers.
@Suite("bare route baseline")
struct BareRouteSmokeTests {
    static let bare = KeyfobProcess.builtProduct("keyfob-bare-route", override: "KEYFOB_BARE_ROUTE_BIN")

    @Test func itAnswersTheGivenBytesAsJSON() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bare-route-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = directory.appendingPathComponent("metadata.json")
        let document = Data(#"{"issuer":"http://127.0.0.1","grant_types_supported":["authorization_code"]}"#.utf8)
        try document.write(to: body)
        let port = try FreePort.find()
        let process = try ChildProcess(
            [Self.bare.path, "--port", String(port), "--body", body.path],
            output: directory.appendingPathComponent("bare.log")
        )
        defer {
            process.signal(SIGTERM)
            process.wait()
        }
        var reply: TestHTTP.Reply?
        for _ in 0..<100 where reply == nil && process.isRunning {
            reply = try? await TestHTTP.send(.GET, "http://127.0.0.1:\(port)/.well-known/oauth-authorization-server")
            if reply == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let answer = try #require(reply)
        #expect(answer.status == 200)
        #expect(answer.body == document)
        #expect(answer.header("Content-Type") == "application/json")
        #expect(try await TestHTTP.send(.GET, "http://127.0.0.1:\(port)/other").status == 404)
    }

    @Test func aMissingBodyFileStopsItWithAnError() async throws {
        let missing = "/nonexistent/\(UUID().uuidString).json"
        let finished = try await KeyfobProcess.run(["--port", String(try FreePort.find()), "--body", missing], executable: Self.bare)
        #expect(finished.status != 0)
        #expect(finished.stderr.contains(missing) || finished.stderr.lowercased().contains("no such file"))
    }
}
