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
        try await withAppAndServer { id, secret, codes, server in
            let run = try await runBench(workload, id: id, secret: secret, codes: codes, server: server)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            let report = run.json
            #expect((report["ok"] as? Int ?? 0) > 0)
            #expect(report["non200"] as? Int == 0)
            #expect(report["verify_failed"] as? Int == 0)
            #expect(report["verified"] as? Int == report["ok"] as? Int)
            #expect((report["server_peak_rss_mib"] as? Double ?? 0) > 0)
        }
    }

    /// `--save-refresh-tokens` feeds `../shared/bench/bench.sh GRANT=refresh_token`: one fresh
    /// refresh token per successful exchange, each still usable.
    @Test func savedRefreshTokensAreOnePerExchangeAndUnspent() async throws {
        try await withAppAndServer { id, secret, codes, server in
            let saved = codes.deletingLastPathComponent().appendingPathComponent("refresh-tokens.txt")
            let run = try await runBench(
                "exchange",
                id: id,
                secret: secret,
                codes: codes,
                server: server,
                extra: ["--save-refresh-tokens", saved.path]
            )
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            let tokens = try String(contentsOf: saved, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(tokens.count == run.json["ok"] as? Int)
            #expect(Set(tokens).count == tokens.count)
            #expect(tokens.allSatisfy { UUID(uuidString: $0) != nil })
            for token in [tokens.first, tokens.last].compactMap({ $0 }) {
                let reply = try await PostgresInstancesTests.token(
                    server.baseURL,
                    "grant_type=refresh_token&refresh_token=\(token)",
                    id: id,
                    secret: secret
                )
                #expect(reply.status == 200, "\(reply.text)")
            }
        }
    }

    @Test func savingRefreshTokensOutsideTheExchangeWorkloadIsRefused() async throws {
        try await withAppAndServer { id, secret, codes, server in
            let run = try await runBench(
                "refresh",
                id: id,
                secret: secret,
                codes: codes,
                server: server,
                extra: ["--save-refresh-tokens", "/tmp/unused"]
            )
            #expect(run.status != 0)
            #expect(run.stderr.contains("--save-refresh-tokens goes with --workload exchange"))
        }
    }

    /// An unwritable file is refused before the load starts, not after the run it would record.
    @Test func anUnwritableRefreshTokenFileIsRefusedBeforeTheRun() async throws {
        try await withAppAndServer { id, secret, codes, server in
            let unwritable = codes.deletingLastPathComponent().appendingPathComponent("missing-folder/refresh-tokens.txt")
            let run = try await runBench(
                "exchange",
                id: id,
                secret: secret,
                codes: codes,
                server: server,
                extra: ["--save-refresh-tokens", unwritable.path]
            )
            #expect(run.status != 0)
            #expect(run.stderr.contains("--save-refresh-tokens: cannot write \(unwritable.path)"))
            // Nothing was spent: the first code still exchanges.
            let code = try #require(try String(contentsOf: codes, encoding: .utf8).split(separator: "\n").first)
            let reply = try await PostgresInstancesTests.token(
                server.baseURL,
                "grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)",
                id: id,
                secret: secret
            )
            #expect(reply.status == 200, "\(reply.text)")
        }
    }

    private func runBench(
        _ workload: String,
        id: String,
        secret: String,
        codes: URL,
        server: KeyfobProcess.Server,
        extra: [String] = []
    ) async throws -> KeyfobProcess.Finished {
        try await KeyfobProcess.run(
            [
                "--base-url", server.baseURL, "--client-id", id, "--client-secret", secret, "--codes", codes.path,
                "--redirect-uri", Self.redirect, "--workload", workload, "--connections", "8", "--duration", "1",
                "--server-pid", String(server.process.pid), "--json",
            ] + extra,
            executable: Self.bench
        )
    }

    /// An application, 20,000 codes in a file, and a running server on a fresh database.
    private func withAppAndServer(_ body: (String, String, URL, KeyfobProcess.Server) async throws -> Void) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await KeyfobProcess.run([
            "apps", "create", "--name", "bench", "--redirect-uri", Self.redirect, "--database", database.url, "--json",
        ])
        let id = try #require(app.json["client_id"] as? String)
        let secret = try #require(app.json["client_secret"] as? String)
        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", id, "--count", "20000", "--redirect-uri", Self.redirect, "--database", database.url,
            // One transaction of 20,000 codes: beside the whole suite on two cores it can take
            // longer than the 5 s a request gets.
            "--db-timeout", "60s",
        ])
        let codes = database.directory.appendingPathComponent("codes.txt")
        try minted.stdout.write(to: codes, atomically: true, encoding: .utf8)

        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        try await body(id, secret, codes, server)
    }
}
