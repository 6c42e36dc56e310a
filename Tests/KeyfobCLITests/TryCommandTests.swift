import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `keyfob try` walks the whole flow against a running server and says what happened.
@Suite("keyfob try")
struct TryCommandTests {
    @Test func walksTheWholeFlowAndReusesItsAppOnTheSecondRun() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()

        let first = try await KeyfobProcess.run(["try", "--base-url", server.baseURL, "--database", database.url])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        for step in [
            "POST /oauth/login → 303", "POST /oauth/grant → 303", "(matches)", "GET /v2.0/user", "/odometer and /location", " km, at ",
            "(rotated)", "{\"action\":\"LOCK\"}", "← 200 success", "Done: the flow works end to end.",
        ] {
            #expect(first.stdout.contains(step), "missing \(step)")
        }
        // Tokens are shown shortened, never whole.
        #expect(first.stdout.firstMatch(of: /access_token [0-9a-f]{8}-/) == nil)

        let second = try await KeyfobProcess.run(["try", "--base-url", server.baseURL, "--database", database.url])
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        let apps = try await KeyfobProcess.run(["apps", "list", "--database", database.url, "--json"])
        #expect(apps.stdout.components(separatedBy: "Keyfob Try").count == 2, "one Keyfob Try app, reused")
    }

    @Test func walksTheDeviceFlowAsACarsScreenWould() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        let walked = try await KeyfobProcess.run(["try", "--device", "--base-url", server.baseURL, "--database", database.url])
        #expect(walked.status == 0, "\(walked.stdout)\n\(walked.stderr)")
        for step in [
            "POST /oauth/device_authorization", "GET /oauth/device → 200", "POST /oauth/device → 200", "POST /oauth/grant → 200",
            "grant_type=urn:ietf:params:oauth:grant-type:device_code", "(rotated)", "Done: the flow works end to end.",
        ] {
            #expect(walked.stdout.contains(step), "missing \(step)")
        }
        #expect(walked.stdout.firstMatch(of: /user_code [BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}/) != nil)
        let apps = try await KeyfobProcess.run(["apps", "list", "--database", database.url, "--json"])
        #expect(apps.stdout.contains(GrantType.deviceCode))
    }

    @Test func unreachableServerFailsWithAMessage() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let result = try await KeyfobProcess.run(["try", "--base-url", "http://127.0.0.1:9", "--database", database.url])
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }

    @Test func appWithoutSecretIsRefused() async throws {
        let result = try await KeyfobProcess.run(["try", "--app", UUID().uuidString])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--secret"))
    }
}
