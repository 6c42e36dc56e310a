import Foundation
import KeyfobTestSupport
import Testing

/// docs/contract.md §2: store unavailable → 503 `temporarily_unavailable` with `Retry-After`, nothing lost.
@Suite("store unavailable")
struct StoreUnavailableTests {
    @Test func lockedDatabaseAnswers503WithRetryAfterAndTheCodeSurvives() async throws {
        try await TestServer.with(busyTimeout: 0.2) { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let lock = try WriteLock(path: try #require(server.sqliteFile).path)
            let refused = try await server.exchange(code, app: app)
            try lock.release()
            expectOAuthError(refused, status: 503, error: "temporarily_unavailable")
            #expect(refused.header("Retry-After") == "1")
            expectTokenPair(try await server.exchange(code, app: app))
        }
    }
}
