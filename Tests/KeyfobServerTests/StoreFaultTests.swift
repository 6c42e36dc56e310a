import Foundation
import KeyfobTestSupport
import Testing

/// The SQLite store under faults it cannot fix: every call is answered by its deadline, and a
/// database file deleted or replaced under the server stops the 200s at once.
@Suite("store faults")
struct StoreFaultTests {
    @Test func aStalledWriterAnswers503AtTheDeadlineAndSpendsNothing() async throws {
        // The writer waits up to 30 s for a lock another connection holds, as it would for a
        // stalled fsync; each call must still be answered at its 3 s deadline.
        try await TestServer.with(busyTimeout: 30, callTimeout: .seconds(3)) { server in
            let app = try await server.fixtures.app()
            let codes = try await server.fixtures.codes(for: app, count: 8).codes
            let lock = try WriteLock(path: try #require(server.sqliteFile).path)
            let started = ContinuousClock.now
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for code in codes { group.addTask { try await server.exchange(code, app: app) } }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - started
            try lock.release()
            for reply in replies {
                expectOAuthError(reply, status: 503, error: "temporarily_unavailable")
                #expect(reply.header("Retry-After") == "1")
            }
            #expect(elapsed < .seconds(10))
            // Nothing was spent: answered at the deadline, no job committed afterwards.
            for code in codes { expectTokenPair(try await server.exchange(code, app: app)) }
        }
    }

    @Test func deletingTheDatabaseFileStopsThe200sAndReportsNotReady() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let codes = try await server.fixtures.codes(for: app, count: 2).codes
            let first = try await server.exchange(codes[0], app: app)
            expectTokenPair(first)
            #expect(try await TestHTTP.send(.GET, server.baseURL + "/health/ready").status == 200)
            try FileManager.default.removeItem(atPath: try #require(server.sqliteFile).path)
            expectOAuthError(try await server.exchange(codes[1], app: app), status: 503, error: "temporarily_unavailable")
            let read = try await server.api("/user", token: first["access_token"])
            expectV2Error(read, status: 503, type: "SERVER")
            #expect(read.header("retry-after") == "1")
            let ready = try await TestHTTP.send(.GET, server.baseURL + "/health/ready")
            #expect(ready.status == 503 && ready["status"] == "unavailable")
            #expect(try await TestHTTP.send(.GET, server.baseURL + "/health/alive").status == 200)
        }
    }

    @Test func replacingTheDatabaseFileStopsThe200s() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let path = try #require(server.sqliteFile).path
            let other = path + ".other"
            try FileManager.default.copyItem(atPath: path, toPath: other)
            #expect(rename(other, path) == 0)
            // Past the sweep that notices, and the commit check before any answer.
            expectOAuthError(try await server.exchange(code, app: app), status: 503, error: "temporarily_unavailable")
            #expect(try await TestHTTP.send(.GET, server.baseURL + "/health/ready").status == 503)
        }
    }

    @Test func aDatabaseCorruptedUnderTheServerAnswers503NeverA500() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let codes = try await server.fixtures.codes(for: app, count: 2).codes
            let first = try await server.exchange(codes[0], app: app)
            expectTokenPair(first)
            let path = try #require(server.sqliteFile).path
            // Everything into the main file and the WAL started over, so the server's connections
            // drop their cached pages at their next transaction and must read the file.
            try checkpointNow(path: path)
            // Garbage over the whole file, in place: the same file, no longer a database.
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.write(contentsOf: Data(repeating: 0x5A, count: size))
            try handle.close()
            let exchange = try await server.exchange(codes[1], app: app)
            let read = try await server.api("/user", token: first["access_token"])
            let ready = try await TestHTTP.send(.GET, server.baseURL + "/health/ready")
            for reply in [exchange, read, ready] { #expect(reply.status == 503, "\(reply.status) \(reply.text)") }
        }
    }
}
