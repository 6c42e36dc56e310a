import Foundation
import KeyfobTestSupport
import Testing

/// The CLI as a new user meets it: one clear line for each failure, exit status 1 for a failure
/// while running (2 … 64 are ArgumentParser's for usage mistakes), and nothing registered for a
/// server that could not start.
@Suite("keyfob first run")
struct FirstRunCLITests {
    @Test func aTakenPortIsOneLineAndRegistersNothing() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let taken = try KeyfobProcess.Server(database: database.url, extra: ["--no-demo-app"])
        defer { taken.stop() }
        try await taken.waitUntilReady()
        let other = TemporaryDatabase()
        defer { other.remove() }
        let refused = try await KeyfobProcess.run(["serve", "--port", String(taken.port), "--database", other.url])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("Cannot listen on 127.0.0.1:\(taken.port)") && refused.stderr.contains("--port"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("Usage:") && !refused.stdout.contains("client_secret"))
        let apps = try await KeyfobProcess.run(["apps", "list", "--database", other.url, "--json"])
        #expect(apps.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(apps.stdout)")
    }

    @Test func aFreshServerRegistersTheDemoAppAfterItListensWithItsOwnCallback() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let server = try KeyfobProcess.Server(database: database.url, extra: [])
        defer { server.stop() }
        try await server.waitUntilReady()
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.log.contains("client_secret:") && server.log.contains("\(server.baseURL)/demo/callback"), "\(server.log)")
        let apps = try await KeyfobProcess.run(["apps", "list", "--database", database.url, "--json"])
        #expect(apps.stdout.contains("\(server.baseURL)/demo/callback"))
    }

    @Test func failuresWhileRunningExitOneWithoutUsage() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let cases: [([String], String)] = [
            (["apps", "show", "00000000-0000-4000-8000-000000000000", "--database", database.url], "No application"),
            (["apps", "list", "--database", "sqlite:/no/such/folder/keyfob.sqlite"], "/no/such/folder/keyfob.sqlite"),
            (["apps", "list", "--database", "postgres://keyfob@127.0.0.1:1/keyfob", "--db-timeout", "2s"], "refused"),
        ]
        for (arguments, expected) in cases {
            let failed = try await KeyfobProcess.run(arguments)
            #expect(failed.status == 1, "\(arguments): \(failed.status) \(failed.stderr)")
            #expect(failed.stderr.contains(expected) && !failed.stderr.contains("Usage:"), "\(arguments): \(failed.stderr)")
        }
        let usage = try await KeyfobProcess.run(["apps", "create", "--no-such-option"])
        #expect(usage.status == 64 && usage.stderr.contains("Usage:"))
    }

    @Test func versionAndHelpAreReadable() async throws {
        let version = try await KeyfobProcess.run(["--version"])
        #expect(version.status == 0 && version.stdout.firstMatch(of: /^\d+\.\d+\.\d+/) != nil, "\(version.stdout)")
        let help = try await KeyfobProcess.run(["serve", "--help"])
        #expect(help.stdout.contains("(default 15s)") && !help.stdout.contains("TimeSpan("), "\(help.stdout)")
        #expect(help.stdout.contains("--config") && help.stdout.contains("--print-config"), "\(help.stdout)")
    }

    @Test func registeringAPlainHTTPRedirectURIToAnotherHostIsRefused() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let refused = try await KeyfobProcess.run(
            ["apps", "create", "--name", "X", "--redirect-uri", "http://app.example.com/cb", "--database", database.url]
        )
        #expect(refused.status != 0 && refused.stderr.contains("https"), "\(refused.stderr)")
    }
}
