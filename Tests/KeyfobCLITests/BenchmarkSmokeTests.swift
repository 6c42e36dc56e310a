import Foundation
import KeyfobTestSupport
import Testing

/// The benchmark's smoke run, so it cannot rot: a second of each workload against a real server,
/// every answer a 200 and every issued token verified. It asserts correctness, never speed.
@Suite("benchmark smoke run")
struct BenchmarkSmokeTests {
    static let bench = KeyfobProcess.builtProduct("keyfob-bench", override: "KEYFOB_BENCH_BIN")
    static let redirect = "https://client.example.com/cb"

    @Test(arguments: ["exchange", "refresh", "client-credentials"])
    func workloadRunsCleanAndEveryTokenIsReal(workload: String) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await KeyfobProcess.run(["apps", "create", "--name", "bench", "--redirect-uri", Self.redirect, "--database", database.url, "--json"])
        let id = try #require(app.json["client_id"] as? String)
        let secret = try #require(app.json["client_secret"] as? String)
        let minted = try await KeyfobProcess.run(["dev", "mint-codes", "--app", id, "--count", "20000", "--redirect-uri", Self.redirect, "--database", database.url])
        let codes = database.directory.appendingPathComponent("codes.txt")
        try minted.stdout.write(to: codes, atomically: true, encoding: .utf8)

        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        let run = try await KeyfobProcess.run(
            ["--base-url", server.baseURL, "--client-id", id, "--client-secret", secret, "--codes", codes.path,
             "--redirect-uri", Self.redirect, "--workload", workload, "--connections", "8", "--duration", "1",
             "--server-pid", String(server.process.pid), "--json"],
            executable: Self.bench)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let report = run.json
        #expect((report["ok"] as? Int ?? 0) > 0)
        #expect(report["non200"] as? Int == 0)
        #expect(report["verify_failed"] as? Int == 0)
        #expect(report["verified"] as? Int == report["ok"] as? Int)
        #expect((report["server_peak_rss_mib"] as? Double ?? 0) > 0)
    }
}
