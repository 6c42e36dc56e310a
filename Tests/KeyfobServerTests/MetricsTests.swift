import Foundation
import KeyfobServer
import KeyfobTestSupport
import Testing

/// `GET /metrics` (docs/contract.md §9): Prometheus text, series by route template and status,
/// tokens by grant type, refusals by error, with no id, token or secret in any label.
@Suite("metrics")
struct MetricsTests {
    @Test func aScrapeNamesRoutesGrantsAndRefusalsAndNoSecrets() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let pair = try await server.freshPair(app)
            let access = try #require(pair["access_token"])
            let refresh = try #require(pair["refresh_token"])
            _ = try await server.refresh(refresh, app: app)
            _ = try await server.token([("grant_type", "client_credentials")], headers: [TestHTTP.basic(app.id, "wrong-secret")])
            let vehicles = try await server.api("/vehicles", token: access)
            let vehicle = try #require((vehicles.json["vehicles"] as? [String])?.first)
            _ = try await server.api("/vehicles/\(vehicle)", token: access)

            let scrape = try await TestHTTP.send(.GET, server.baseURL + "/metrics")
            #expect(scrape.status == 200 && scrape.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = scrape.text
            for series in [
                #"keyfob_tokens_issued_total{grant_type="authorization_code"}"#, #"keyfob_tokens_issued_total{grant_type="refresh_token"}"#,
                #"keyfob_token_refusals_total{error="invalid_client"}"#, "http_server_request_duration_bucket", "hb_requests",
                "keyfob_store_call_duration_seconds", "keyfob_sqlite_commit_batch_size", "process_resident_memory_bytes",
            ] {
                #expect(text.contains(series), "missing \(series)")
            }
            // Route templates, never ids; no token, secret or client id anywhere.
            #expect(text.contains("/v2.0/vehicles/:id") || text.contains("/v2.0/vehicles/{id}"), "\(text.prefix(2000))")
            for secret in [access, refresh, app.secret, app.id, vehicle, "wrong-secret"] {
                #expect(!text.contains(secret), "the scrape names \(secret.prefix(8))…")
            }
        }
    }

    /// The brute-force series counts the failed-authentication limit's 429s wherever it answers
    /// them: a flood of wrong secrets at `/oauth/par` raises the alert a flood at the token
    /// endpoint does.
    @Test func the429sOfTheClientAuthLimitAtPARAreCounted() async throws {
        try await TestServer.with(configure: ClientAuthThrottleTests.tight) { server in
            let app = try await server.fixtures.app()
            let series = #"keyfob_rate_limit_refusals_total{limit="client_auth"}"#
            func count() async throws -> Double {
                let text = try await TestHTTP.send(.GET, server.baseURL + "/metrics").text
                let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            let before = try await count()
            var statuses = [Int]()
            for _ in 0..<8 {
                statuses.append(
                    try await server.token(TestServer.pushedParameters, headers: [TestHTTP.basic(app.id, "wrong")], path: "/oauth/par").status
                )
            }
            #expect(statuses == [401, 401, 401, 401, 401, 429, 429, 429])
            #expect(try await count() >= before + 3)
        }
    }

    /// Every answer is counted under its route template, method and status, its latency is in the
    /// histogram, and the requests in flight include the scrape being answered. Other suites run
    /// beside this one in the same process (one registry), so the counts are at least, not exactly.
    @Test func theRequestSeriesCountEveryAnswerAndTheRequestsInFlight() async throws {
        try await TestServer.with { server in
            let route = #"http_route="/.well-known/oauth-authorization-server""#
            func value(_ name: String, _ labels: [String], in text: String) -> Double? {
                text.split(separator: "\n").first { line in
                    line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) }
                }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            let labels = [route, #"http_request_method="GET""#, #"http_response_status_code="200""#]
            let before = try await TestHTTP.send(.GET, server.baseURL + "/metrics").text
            for _ in 0..<3 {
                #expect(try await TestHTTP.send(.GET, server.baseURL + "/.well-known/oauth-authorization-server").status == 200)
            }
            let after = try await TestHTTP.send(.GET, server.baseURL + "/metrics").text
            let requests = try #require(value("hb_requests", labels, in: after), "\(after.prefix(3000))")
            let timed = try #require(value("http_server_request_duration_count", labels, in: after))
            #expect(requests >= (value("hb_requests", labels, in: before) ?? 0) + 3)
            #expect(timed >= (value("http_server_request_duration_count", labels, in: before) ?? 0) + 3)
            let inFlight = try #require(value("http_server_active_requests", [#"http_request_method="GET""#], in: after))
            #expect(inFlight >= 1, "the scrape itself is a GET in flight")
        }
    }

    /// On PostgreSQL the pool's use against its size, and the store calls' latency.
    @Test func onPostgreSQLAScrapeShowsThePoolInUseAndStoreCalls() async throws {
        try await TestServer.with(backend: .postgresReadCommitted) { server in
            let app = try await server.fixtures.app()
            _ = try await server.freshPair(app)
            let text = try await TestHTTP.send(.GET, server.baseURL + "/metrics").text
            for series in [
                "keyfob_postgres_pool_in_use ", "keyfob_postgres_pool_size ",
                #"keyfob_store_call_duration_seconds_count{store="postgres"}"#,
            ] {
                #expect(text.contains(series), "missing \(series)")
            }
            let size = text.split(separator: "\n").first { $0.hasPrefix("keyfob_postgres_pool_size ") }
            #expect(size.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "\(size ?? "")")
        }
    }

    @Test func withMetricsOffNothingIsServedAtTheirPath() async throws {
        let off: @Sendable (inout KeyfobConfiguration) -> Void = { $0.metricsOnMainListener = false }
        try await TestServer.with(configure: off) { server in
            let answer = try await TestHTTP.send(.GET, server.baseURL + "/metrics")
            #expect(answer.status == 404)
        }
    }
}
