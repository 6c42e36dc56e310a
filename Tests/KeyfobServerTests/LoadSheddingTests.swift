import Foundation
import KeyfobServer
import KeyfobTestSupport
import Synchronization
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

/// While another connection holds SQLite's write lock (nothing can commit), sends one token
/// request every 200 ms until one is answered: with nothing able to land, that answer can only be
/// a refusal. Then releases the lock and returns that answer and every request's answer.
func firstAnswerWhileNothingCommits(
    databasePath: String,
    _ issue: @escaping @Sendable () async throws -> TestHTTP.Reply
) async throws -> (first: TestHTTP.Reply, all: [TestHTTP.Reply], beforeRelease: [TestHTTP.Reply]) {
    let lock = try WriteLock(path: databasePath)
    let answered = Answered()
    var sent = [Task<TestHTTP.Reply, any Error>]()
    var first: TestHTTP.Reply?
    for _ in 0..<50 where first == nil {
        sent.append(
            Task {
                let reply = try await issue()
                answered.replies.withLock { $0.append(reply) }
                return reply
            }
        )
        try await Task.sleep(for: .milliseconds(200))
        first = answered.replies.withLock { $0.first }
    }
    let beforeRelease = answered.replies.withLock { $0 }
    try lock.release()
    var all = [TestHTTP.Reply]()
    for task in sent { all.append(try await task.value) }
    return (try #require(first, "no request was answered while nothing could commit"), all, beforeRelease)
}

/// The replies that came back so far, in order.
final class Answered: Sendable {
    let replies = Mutex<[TestHTTP.Reply]>([])
}

/// The queue is bounded in time as well as in count: once the oldest waiting write has waited
/// `maxWriteWait`, a new write is refused at once, so an accepted write never queues behind more
/// than that much work, however many clients press.
@Suite("load shedding by wait")
struct WriteWaitSheddingTests {
    @Test func onceTheOldestWriteHasWaitedTooLongNewWritesAreShedAtOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        // Lock and call deadlines far beyond the test's waits: every 503 here is the wait bound's.
        let store = try await database.open(busyTimeout: 60, callTimeout: .seconds(60), maxWriteWait: .milliseconds(50))
        try await TestServer.serving(store) { server in
            let app = try await server.fixtures.app()
            let (shed, all, _) = try await firstAnswerWhileNothingCommits(databasePath: database.path) {
                try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            }
            #expect(shed.status == 503 && shed.header("Retry-After") == "1", "\(shed.status) \(shed.text)")
            #expect(shed.json["error"] as? String == "temporarily_unavailable")
            // The ones let in land once the writer moves again; the rest were shed, nothing else.
            let accepted = all.filter { $0.status == 200 }
            #expect(!accepted.isEmpty && all.allSatisfy { [200, 503].contains($0.status) }, "\(all.map(\.status))")
            for issued in accepted {
                let introspected = try await server.token(
                    [("token", issued["access_token"] ?? "")],
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
        try await TestServer.with(busyTimeout: 60, callTimeout: .seconds(60), configure: two) { server in
            let app = try await server.fixtures.app()
            let (refused, all, beforeRelease) = try await firstAnswerWhileNothingCommits(
                databasePath: try #require(server.sqliteFile).path
            ) {
                try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            }
            #expect(refused.status == 503 && ["1", "2", "3"].contains(refused.header("Retry-After")), "\(refused.status) \(refused.text)")
            #expect(refused.json["error"] as? String == "temporarily_unavailable")
            // While nothing could commit, every answer was a refusal: the two let in were waiting.
            #expect(beforeRelease.allSatisfy { $0.status == 503 }, "\(beforeRelease.map(\.status))")
            // They landed; a request that reached the server only after the release may land too.
            #expect(all.filter { $0.status == 200 }.count >= 2, "\(all.map(\.status))")
            #expect(all.allSatisfy { [200, 503].contains($0.status) })
            // With room again, the next request is served.
            #expect(try await server.token([("grant_type", "client_credentials")], headers: [app.basic]).status == 200)
        }
    }
}

/// Password checks are bounded too: bcrypt takes a quarter of a second by design, so a burst of
/// logins past the bound is answered 503 at once rather than queued.
@Suite("login shedding")
struct LoginSheddingTests {
    @Test func aBurstOfLoginsPastTheBoundIsAnswered503AndNothing500() async throws {
        let two: @Sendable (inout KeyfobConfiguration) -> Void = { $0.maxPendingLogins = 2 }
        try await TestServer.with(busyTimeout: 60, callTimeout: .seconds(60), configure: two) { server in
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
