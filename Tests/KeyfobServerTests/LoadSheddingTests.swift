import Foundation
import KeyfobServer
import KeyfobTestSupport
import Testing

/// Past a bounded queue of waiting writes, Keyfob answers 503 `temporarily_unavailable` with
/// `Retry-After` at once instead of letting the wait grow (docs/contract.md §9); it never answers
/// 500, and what it answered 200 is stored.
@Suite("load shedding")
struct LoadSheddingTests {
    @Test func writesPastTheQueueAreShedWithRetryAfterAndTheRestLand() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try await TestServer.serving(try await database.open(maxPendingWrites: 2)) { server in
            let app = try await server.fixtures.app()
            let answers = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<64 {
                    group.addTask { try await server.token([("grant_type", "client_credentials")], headers: [app.basic]) }
                }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            let statuses = Set(answers.map(\.status))
            #expect(statuses.isSubset(of: [200, 503]), "\(answers.map(\.status))")
            let shed = answers.filter { $0.status == 503 }
            #expect(!shed.isEmpty, "64 writes at once fit a queue of 2")
            #expect(shed.allSatisfy { $0.header("Retry-After") != nil && $0.json["error"] as? String == "temporarily_unavailable" })
            for issued in answers where issued.status == 200 {
                let introspected = try await server.token([("token", issued["access_token"] ?? "")], headers: [app.basic], path: "/oauth/introspect")
                #expect(introspected.json["active"] as? Bool == true)
            }
        }
    }
}

/// Password checks are bounded too: bcrypt takes a quarter of a second by design, so a burst of
/// logins past the bound is answered 503 at once rather than queued.
@Suite("login shedding")
struct LoginSheddingTests {
    @Test func aBurstOfLoginsPastTheBoundIsAnswered503AndNothing500() async throws {
        let two: @Sendable (inout KeyfobConfiguration) -> Void = { $0.maxPendingLogins = 2 }
        try await TestServer.with(configure: two) { server in
            let app = try await server.fixtures.app()
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        // Live mode, unknown emails: each login checks the decoy hash with bcrypt.
                        try await server.logIn(app, email: "nobody-\(index)@example.com", password: "wrong", parameters: [("state", "s")]).1
                    }
                }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            let statuses = replies.map(\.status)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 503 }, "\(statuses)")
            #expect(statuses.contains(503) && statuses.contains(200), "\(statuses)")
        }
    }
}
