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

/// The queue is bounded in time as well as in count: once the oldest waiting write has waited
/// `maxWriteWait`, a new write is refused at once, so an accepted write never queues behind more
/// than that much work, however many clients press.
@Suite("load shedding by wait")
struct WriteWaitSheddingTests {
    @Test func onceTheOldestWriteHasWaitedTooLongNewWritesAreShedAtOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let store = try await database.open(maxWriteWait: .milliseconds(50))
        try await TestServer.serving(store) { server in
            let app = try await server.fixtures.app()
            let issue: @Sendable () async throws -> TestHTTP.Reply = {
                try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            }
            // Another connection holds the write lock: the writer stalls on its first batch.
            let lock = try WriteLock(path: database.path)
            let committing = Task { try await issue() }
            try await Task.sleep(for: .milliseconds(100))
            let waiting = Task { try await issue() }
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let shed = try await issue()
            let took = ContinuousClock.now - started
            #expect(shed.status == 503 && shed.header("Retry-After") != nil, "\(shed.status) \(shed.text)")
            #expect(shed.json["error"] as? String == "temporarily_unavailable")
            #expect(took < .seconds(1), "shed at once, not at the 5 s deadline: \(took)")
            try lock.release()
            // The two that were let in land once the writer moves again.
            for accepted in [try await committing.value, try await waiting.value] {
                #expect(accepted.status == 200, "\(accepted.status) \(accepted.text)")
                let introspected = try await server.token(
                    [("token", accepted["access_token"] ?? "")],
                    headers: [app.basic],
                    path: "/oauth/introspect"
                )
                #expect(introspected.json["active"] as? Bool == true)
            }
        }
    }
}

/// Token requests in flight are bounded: past the bound one more is refused at once, before it
/// costs a client check or a write, and the ones let in are answered as before.
@Suite("token admission")
struct TokenAdmissionTests {
    @Test func pastTheBoundATokenRequestIsRefusedAtOnceAndTheOthersLand() async throws {
        let two: @Sendable (inout KeyfobConfiguration) -> Void = { $0.maxConcurrentTokenRequests = 2 }
        try await TestServer.with(configure: two) { server in
            let app = try await server.fixtures.app()
            let issue: @Sendable () async throws -> TestHTTP.Reply = {
                try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            }
            // The writer stalls behind another connection's lock: two requests stay in flight.
            let lock = try WriteLock(path: try #require(server.sqliteFile).path)
            let inFlight = [Task { try await issue() }, Task { try await issue() }]
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            let refused = try await issue()
            #expect(refused.status == 503 && refused.header("Retry-After") == "1", "\(refused.status) \(refused.text)")
            #expect(refused.json["error"] as? String == "temporarily_unavailable")
            #expect(ContinuousClock.now - started < .seconds(1))
            try lock.release()
            for task in inFlight {
                let accepted = try await task.value
                #expect(accepted.status == 200, "\(accepted.status) \(accepted.text)")
            }
            // With room again, the next request is served.
            #expect(try await issue().status == 200)
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
