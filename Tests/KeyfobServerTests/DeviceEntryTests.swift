import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// The verification page's code entry over real HTTP: what it accepts, what it refuses, and how
/// it makes guessing a user code expensive (docs/decisions.md).
// One test at a time, as the device grant suite, for the same reason.
@Suite("device code entry", .serialized)
struct DeviceEntryTests {
    /// A live request's codes.
    static func ask(_ server: TestServer) async throws -> (app: Fixtures.App, deviceCode: String, userCode: String) {
        let app = try await server.deviceApp()
        let asked = try await server.deviceAuthorization(app)
        return (app, try #require(asked["device_code"]), try #require(asked["user_code"]))
    }

    /// `code` with its last letter changed: same group, wrong code.
    static func nearMiss(_ code: String) -> String {
        let last = code.last!
        let other = UserCode.alphabet.first { $0 != last }!
        return String(code.dropLast()) + String(other)
    }

    @Test(arguments: StoreBackend.deviceSuite)
    func lowercaseWithoutTheDashIsTheSameCode(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let (_, _, userCode) = try await Self.ask(server)
            let typed = userCode.lowercased().replacingOccurrences(of: "-", with: "")
            let reply = try await server.enterUserCode(typed).reply
            #expect(reply.status == 200 && reply.text.contains("action=\"/oauth/login\""), "\(reply.text)")
            #expect(reply.header("Set-Cookie")?.hasPrefix("keyfob_connect=") == true)
        }
    }

    @Test func malformedCodesAreExplainedAndStartNothing() async throws {
        try await TestServer.with { server in
            for (typed, words) in [
                ("BCDF-GHJ", "8 letters"), ("BCDF-GHJKL", "8 letters"), ("ABCD-EFGH", "only the letters"), ("BCDF-GHJ1", "only the letters"),
            ] {
                let reply = try await server.enterUserCode(typed).reply
                #expect(reply.status == 400 && reply.text.contains(words), "\(typed): \(reply.text)")
                #expect(reply.header("Set-Cookie") == nil)
            }
            let unknown = try await server.enterUserCode("BCDF-GHJK").reply
            #expect(unknown.status == 400 && unknown.text.contains("not valid"))
            // The pre-fill never echoes what could not be a code.
            let page = try await ConnectBrowser(baseURL: server.baseURL).get("/oauth/device?user_code=%3Cscript%3E")
            #expect(page.status == 200 && !page.text.contains("<script>") && page.text.contains("value=\"\""))
        }
    }

    @Test func aCodeAlreadyDecidedCannotBeEnteredAgain() async throws {
        try await TestServer.with { server in
            let (app, deviceCode, userCode) = try await Self.ask(server)
            _ = try await server.approveDevice(userCode: userCode)
            let again = try await server.enterUserCode(userCode).reply
            #expect(again.status == 400 && again.text.contains("already used"))
            server.clock.advance(by: 5)
            expectTokenPair(try await server.pollDevice(deviceCode, app: app))
        }
    }

    @Test func theEntryFormNeedsItsCookieAndItsProof() async throws {
        try await TestServer.with { server in
            let (_, _, userCode) = try await Self.ask(server)
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let page = try await browser.get("/oauth/device")
            let csrf = try #require(page.inputValue("csrf"))
            #expect(try await browser.post("/oauth/device", [("csrf", "forged"), ("user_code", userCode)]).status == 403)
            #expect(try await browser.post("/oauth/device", [("user_code", userCode)]).status == 403)
            browser.clearCookies()
            #expect(try await browser.post("/oauth/device", [("csrf", csrf), ("user_code", userCode)]).status == 403)
            // The code is still good for the owner's own browser.
            #expect(try await server.enterUserCode(userCode).reply.status == 200)
        }
    }

    @Test(arguments: StoreBackend.deviceSuite)
    func aCodeIsBurntAfterThreeWrongGuessesAgainstIt(backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let (app, deviceCode, userCode) = try await Self.ask(server)
            let (_, other, otherUserCode) = try await Self.ask(server)
            let wrong = Self.nearMiss(userCode)
            for _ in 0..<3 {
                // Each from a fresh browser: the burn does not depend on the per-session limit.
                #expect(try await server.enterUserCode(wrong).reply.status == 400)
            }
            let burnt = try await server.enterUserCode(userCode).reply
            #expect(burnt.status == 400 && burnt.text.contains("expired"), "\(burnt.text)")
            expectOAuthError(try await server.pollDevice(deviceCode, app: app), status: 400, error: "expired_token")
            // A code in another group is untouched (unless the two share their first four letters).
            if otherUserCode.prefix(4) != userCode.prefix(4) {
                #expect(try await server.enterUserCode(otherUserCode).reply.status == 200)
                _ = other
            }
        }
    }

    @Test func entriesAreLimitedPerSessionAndPerAddress() async throws {
        try await TestServer.with { server in
            let (_, _, userCode) = try await Self.ask(server)
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let page = try await browser.get("/oauth/device")
            let csrf = try #require(page.inputValue("csrf"))
            // 16 wrong entries at once from one session count as 16: five are looked at, the rest wait.
            let replies = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await browser.post("/oauth/device", [("csrf", csrf), ("user_code", "ZZZZ-ZZZZ")]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0 == 400 }.count == 5 && replies.filter { $0 == 429 }.count == 11, "\(replies)")
            // The right code from that session waits too; from a fresh one (same address) it works.
            let limited = try await browser.post("/oauth/device", [("csrf", csrf), ("user_code", userCode)])
            #expect(limited.status == 429 && limited.text.contains("Try again in"))
            #expect(try await server.enterUserCode(userCode).reply.status == 200)
            // Fresh sessions do not multiply the allowance of one address: 20 an hour.
            var statuses = [Int]()
            for _ in 0..<16 { statuses.append(try await server.enterUserCode("ZZZZ-ZZZZ").reply.status) }
            // This address has made 16 + 1 + 1 entries: two more are looked at, the other 14 wait.
            #expect(statuses == [400, 400] + Array(repeating: 429, count: 14))
            server.clock.advance(by: 3601)
            let (_, _, later) = try await Self.ask(server)
            #expect(try await server.enterUserCode(later).reply.status == 200)
        }
    }
}
