import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

@Suite("authorization_code grant")
struct CodeExchangeTests {
    @Test func codeExchangesForTheFourFieldPairAndItsScope() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let reply = try await server.exchange(code, app: app)
            expectTokenPair(reply)
            // docs/contract.md §2's four fields, and the scope RFC 6749 §5.1 asks for.
            #expect(Set(reply.json.keys) == ["access_token", "token_type", "expires_in", "refresh_token", "scope"])
        }
    }

    @Test func oauth2TokenPathAnswersToo() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let reply = try await server.token(
                [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Fixtures.redirectURI)],
                headers: [app.basic],
                path: "/oauth2/token"
            )
            expectTokenPair(reply)
        }
    }

    @Test func issuedAccessTokenOpensTheUserEndpoint() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (codes, grant, _) = try await server.fixtures.codes(for: app)
            let pair = try await server.exchange(codes[0], app: app)
            let user = try await server.api("/user", token: pair["access_token"])
            #expect(user.status == 200)
            #expect(user["id"] == grant.ownerID.uuidString.lowercased())
        }
    }

    @Test func codeCannotBeRedeemedTwice() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            expectTokenPair(try await server.exchange(code, app: app))
            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func replayedCodeRevokesEverythingIssuedFromIt() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let first = try await server.exchange(code, app: app)
            let rotated = try await server.refresh(first["refresh_token"]!, app: app)
            expectTokenPair(rotated)

            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "invalid_grant")

            // The first pair and its refresh descendant are all dead.
            #expect(try await server.api("/user", token: first["access_token"]).status == 401)
            #expect(try await server.api("/user", token: rotated["access_token"]).status == 401)
            expectOAuthError(try await server.refresh(rotated["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func sixtyFourConcurrentRedemptionsOfOneCodeHaveExactlyOneWinner() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            let statuses = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<64 { group.addTask { try await server.exchange(code, app: app) } }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.status == 200 }.count == 1)
            #expect(statuses.filter { $0.status == 400 && $0["error"] == "invalid_grant" }.count == 63)
        }
    }

    @Test func expiredCodeIsInvalidGrant() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            server.clock.advance(by: 601)
            expectOAuthError(try await server.exchange(code, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func codeJustInsideItsLifetimeStillWorks() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let code = try await server.fixtures.code(for: app)
            server.clock.advance(by: 599)
            expectTokenPair(try await server.exchange(code, app: app))
        }
    }

    @Test func codeOfAnotherClientIsRefusedAndStaysUsableByItsOwner() async throws {
        try await TestServer.with { server in
            let owner = try await server.fixtures.app(name: "Owner")
            let thief = try await server.fixtures.app(name: "Thief")
            let code = try await server.fixtures.code(for: owner)
            expectOAuthError(try await server.exchange(code, app: thief), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.exchange(code, app: owner))
        }
    }

    @Test func unknownCodeIsInvalidGrant() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.exchange(UUID().uuidString.lowercased(), app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func codeThatIsNotUUIDShapedIsInvalidRequestQuotingIt() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.exchange("not-a-code", app: app)
            expectOAuthError(reply, status: 400, error: "invalid_request")
            #expect(reply["error_description"] == "Invalid code: not-a-code.")
        }
    }

    /// The description quotes client input: what RFC 6749 §5.2 does not allow there (quote,
    /// backslash, controls, non-ASCII) becomes `?`, and the hand-written body stays valid JSON.
    @Test func quotedInputOutsideRFC6749sCharactersBecomesQuestionMarks() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.exchange("a\"b\\c/d\u{01}\t\n\r\u{1F}ü€🚗", app: app)
            expectOAuthError(reply, status: 400, error: "invalid_request")
            #expect(reply["error_description"] == "Invalid code: a?b?c/d????????.")
        }
    }

    @Test func missingCodeIsInvalidRequest() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.token([("grant_type", "authorization_code")], headers: [app.basic])
            expectOAuthError(reply, status: 400, error: "invalid_request")
        }
    }
}
