import Foundation
import KeyfobTestSupport
import Testing

/// `keyfob serve` while its PostgreSQL server stops and starts again: requests get a prompt 503
/// with `Retry-After` (token endpoint) or a plain error page (Connect), and service comes back by
/// itself, with every token answered 200 before the outage still valid.
@Suite("PostgreSQL outage", .timeLimit(.minutes(2)))
struct PostgresOutageTests {
    static let redirect = "https://client.example.com/cb"

    @Test func tokenRequestsGet503DuringAnOutageAndServiceRecoversWithoutRestart() async throws {
        let cluster = try await PostgresCluster.started()
        defer { cluster.destroy() }
        try await PostgresTestDatabase.administer(cluster.url(), "CREATE DATABASE outage")
        let databaseURL = cluster.url(database: "outage")
        let created = try await KeyfobProcess.run(
            ["apps", "create", "--name", "Outage", "--redirect-uri", Self.redirect, "--database", databaseURL, "--json"])
        let id = try #require(created.json["client_id"] as? String)
        let secret = try #require(created.json["client_secret"] as? String)
        let minted = try await KeyfobProcess.run(
            ["dev", "mint-codes", "--app", id, "--count", "2", "--redirect-uri", Self.redirect, "--database", databaseURL])
        let codes = minted.stdout.split(separator: "\n").map(String.init)
        try #require(codes.count == 2)

        let server = try KeyfobProcess.Server(database: databaseURL, extra: ["--no-demo-app", "--db-timeout", "2s"])
        defer { server.stop() }
        try await server.waitUntilReady()
        func exchange(_ code: String) async throws -> TestHTTP.Reply {
            try await PostgresInstancesTests.token(
                server.baseURL,
                "grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)",
                id: id,
                secret: secret
            )
        }
        let before = try await exchange(codes[0])
        #expect(before.status == 200)

        try await cluster.halt()
        let clock = ContinuousClock()
        let started = clock.now
        let during = try await exchange(codes[1])
        #expect(clock.now - started < .seconds(8), "the answer must not wait on the dead database for long")
        #expect(during.status == 503)
        #expect(during["error"] == "temporarily_unavailable")
        #expect(during.header("Retry-After") != nil)
        let page = try await TestHTTP.send(
            .GET,
            server.baseURL + "/oauth/authorize?"
                + TestHTTP.formEncode([
                    ("response_type", "code"), ("client_id", id), ("redirect_uri", Self.redirect), ("mode", "test"),
                ])
        )
        #expect(page.status == 503)
        #expect(page.text.contains("temporarily unavailable"))

        try await cluster.restart()
        var after: TestHTTP.Reply?
        for _ in 0..<50 {
            after = try await exchange(codes[1])
            if after?.status == 200 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(after?.status == 200, "the second code works once the database is back: \(after?.text ?? "")")
        let user = try await TestHTTP.send(
            .GET,
            server.baseURL + "/v2.0/user",
            headers: [("Authorization", "Bearer \(before["access_token"] ?? "")")]
        )
        #expect(user.status == 200, "a token answered with 200 before the outage still works after it")
    }
}
