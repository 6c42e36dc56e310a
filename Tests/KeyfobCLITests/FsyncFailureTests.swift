import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// A commit whose fsync fails is answered 503, and the database agrees with that answer even if
/// the server is killed at once: its frames were written to the WAL, but recovery after the crash
/// must not bring back a transaction whose caller was told it did not happen.
@Suite("fsync failure")
struct FsyncFailureTests {
    /// An `LD_PRELOAD` library for the real binary and the real SQLite: while the file named by
    /// `KEYFOB_TEST_FAIL_FSYNC` exists, `fsync` and `fdatasync` fail with EIO (a disk that stopped
    /// flushing); while the one named by `KEYFOB_TEST_STALL_FSYNC` exists, they take 10 s.
    static let shimSource = """
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <stdlib.h>
        #include <unistd.h>
        static int flagged(const char *variable) {
            const char *flag = getenv(variable);
            return flag != NULL && access(flag, F_OK) == 0;
        }
        static int faulty(int fd, const char *name) {
            if (flagged("KEYFOB_TEST_FAIL_FSYNC")) { errno = EIO; return -1; }
            if (flagged("KEYFOB_TEST_STALL_FSYNC")) sleep(10);
            int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, name);
            return real(fd);
        }
        int fsync(int fd) { return faulty(fd, "fsync"); }
        int fdatasync(int fd) { return faulty(fd, "fdatasync"); }
        """

    /// Builds the shim with the machine's C compiler.
    static func buildShim(in directory: URL) async throws -> URL {
        let source = directory.appendingPathComponent("failfsync.c")
        let library = directory.appendingPathComponent("failfsync.so")
        try Data(shimSource.utf8).write(to: source)
        let built = try await ChildProcess.run(["cc", "-shared", "-fPIC", "-o", library.path, source.path, "-ldl"])
        try #require(built.status == 0, "cc failed: \(built.stderr)")
        return library
    }

    func exchange(_ server: KeyfobProcess.Server, _ code: String, app: (id: String, secret: String)) async throws -> TestHTTP.Reply {
        try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(app.id, app.secret), ("Content-Type", "application/x-www-form-urlencoded"), ("User-Agent", "t")],
            body: Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(CLITests.redirect)".utf8)
        )
    }

    /// A database with an app and `count` codes for it, and the shim built beside it.
    func prepare(
        _ database: TemporaryDatabase,
        codes count: Int
    ) async throws
        -> (shim: URL, app: (id: String, secret: String), codes: [String])
    {
        let shim = try await Self.buildShim(in: database.directory)
        let created = try await KeyfobProcess.run(
            ["apps", "create", "--name", "Fsync App", "--redirect-uri", CLITests.redirect, "--database", database.url, "--json"])
        let app = (id: try #require(created.json["client_id"] as? String), secret: try #require(created.json["client_secret"] as? String))
        let minted = try await KeyfobProcess.run(
            ["dev", "mint-codes", "--app", app.id, "--count", String(count), "--redirect-uri", CLITests.redirect, "--database", database.url])
        let codes = minted.stdout.split(separator: "\n").map(String.init)
        try #require(codes.count == count)
        return (shim, app, codes)
    }

    @Test func aCommitWhoseFsyncFailedIsA503AndStaysUndoneAfterACrash() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (shim, app, codes) = try await prepare(database, codes: 3)
        let flag = database.directory.appendingPathComponent("fail-fsync")

        let server = try KeyfobProcess.Server(
            database: database.url,
            environment: ["LD_PRELOAD": shim.path, "KEYFOB_TEST_FAIL_FSYNC": flag.path]
        )
        try await server.waitUntilReady()
        let before = try await exchange(server, codes[0], app: app)
        #expect(before.status == 200, "\(before.text)")

        // The disk stops flushing: the exchange must not be answered 200 (nor 500).
        try Data().write(to: flag)
        let refused = try await exchange(server, codes[1], app: app)
        #expect(refused.status == 503, "\(refused.status) \(refused.text)")
        #expect(refused["error"] == "temporarily_unavailable")
        // Killed while the disk still fails: nothing shuts down cleanly.
        server.kill9()
        try FileManager.default.removeItem(at: flag)

        let restarted = try KeyfobProcess.Server(database: database.url)
        defer { restarted.stop() }
        try await restarted.waitUntilReady()
        // What was answered 200 survived; what was answered 503 did not happen: the retry the 503
        // invited is answered with tokens, not with invalid_grant for a code spent unseen.
        let user = try await TestHTTP.send(
            .GET,
            restarted.baseURL + "/v2.0/user",
            headers: [("Authorization", "Bearer \(before["access_token"] ?? "")")]
        )
        #expect(user.status == 200)
        let retried = try await exchange(restarted, codes[1], app: app)
        #expect(retried.status == 200, "\(retried.text)")
        #expect(try await exchange(restarted, codes[2], app: app).status == 200)
    }

    @Test func aCommitStalledPastTheDeadlineIsA503AndIsUndone() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (shim, app, codes) = try await prepare(database, codes: 2)
        let stall = database.directory.appendingPathComponent("stall-fsync")

        let server = try KeyfobProcess.Server(
            database: database.url,
            extra: ["--no-demo-app", "--db-timeout", "2s"],
            environment: ["LD_PRELOAD": shim.path, "KEYFOB_TEST_STALL_FSYNC": stall.path]
        )
        defer { server.stop() }
        try await server.waitUntilReady()
        let first = try await exchange(server, codes[0], app: app)
        #expect(first.status == 200)
        // The commit's flush takes 10 s; the caller is answered at 2 s, well before it is known
        // (the bound leaves a loaded machine 6 s of slack and still ends before the flush does).
        try Data().write(to: stall)
        let started = ContinuousClock.now
        let stalled = try await exchange(server, codes[1], app: app)
        #expect(stalled.status == 503 && stalled["error"] == "temporarily_unavailable", "\(stalled.text)")
        #expect(ContinuousClock.now - started < .seconds(8))
        try FileManager.default.removeItem(at: stall)
        // The commit lands later and is undone: the retry the 503 invited gets the tokens.
        try await Task.sleep(for: .seconds(10))
        let retried = try await exchange(server, codes[1], app: app)
        #expect(retried.status == 200, "\(retried.text)")
        let user = try await TestHTTP.send(
            .GET,
            server.baseURL + "/v2.0/user",
            headers: [("Authorization", "Bearer \(retried["access_token"] ?? "")")]
        )
        #expect(user.status == 200)
    }
}
