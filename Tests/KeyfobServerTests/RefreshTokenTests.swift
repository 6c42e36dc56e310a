import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobTestSupport
import Testing

/// Rotation with an idempotent grace window (docs/contract.md §2, RFC 9700 §4.14).
@Suite("refresh_token grant")
struct RefreshTokenTests {
    @Test func refreshRotatesToANewPair() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let second = try await server.refresh(first["refresh_token"]!, app: app)
            expectTokenPair(second)
            #expect(second["access_token"] != first["access_token"])
            #expect(second["refresh_token"] != first["refresh_token"])
            #expect(try await server.api("/user", token: second["access_token"]).status == 200)
        }
    }

    @Test func oldAccessTokenStaysValidAfterRotation() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            _ = try await server.refresh(first["refresh_token"]!, app: app)
            #expect(try await server.api("/user", token: first["access_token"]).status == 200)
        }
    }

    @Test func retryInsideTheGraceWindowAnswersTheSamePair() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let rotated = try await server.refresh(first["refresh_token"]!, app: app)
            server.clock.advance(by: 30)
            let retried = try await server.refresh(first["refresh_token"]!, app: app)
            #expect(retried.status == 200)
            #expect(retried["access_token"] == rotated["access_token"])
            #expect(retried["refresh_token"] == rotated["refresh_token"])
            #expect(retried.json["expires_in"] as? Int == 7170)
            // The family did not fork: the successor still rotates.
            expectTokenPair(try await server.refresh(rotated["refresh_token"]!, app: app))
        }
    }

    @Test func sixteenConcurrentRefreshesOfOneTokenGiveOnePair() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for _ in 0..<16 { group.addTask { try await server.refresh(first["refresh_token"]!, app: app) } }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 })
            #expect(Set(replies.compactMap { $0["refresh_token"] }).count == 1)
            #expect(Set(replies.compactMap { $0["access_token"] }).count == 1)
        }
    }

    @Test func reuseAfterTheGraceWindowRevokesTheFamily() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let rotated = try await server.refresh(first["refresh_token"]!, app: app)
            server.clock.advance(by: 61)
            expectOAuthError(try await server.refresh(first["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
            // Every token of the family is now dead, the legitimate successor included.
            #expect(try await server.api("/user", token: rotated["access_token"]).status == 401)
            #expect(try await server.api("/user", token: first["access_token"]).status == 401)
            expectOAuthError(try await server.refresh(rotated["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func expiredRefreshTokenIsInvalidGrant() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            server.clock.advance(by: 60 * 24 * 3600 + 1)
            expectOAuthError(try await server.refresh(first["refresh_token"]!, app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func refreshTokenOfAnotherClientIsRefusedAndStaysUsableByItsOwner() async throws {
        try await TestServer.with { server in
            let owner = try await server.fixtures.app(name: "Owner")
            let thief = try await server.fixtures.app(name: "Thief")
            let first = try await server.freshPair(owner)
            expectOAuthError(try await server.refresh(first["refresh_token"]!, app: thief), status: 400, error: "invalid_grant")
            expectTokenPair(try await server.refresh(first["refresh_token"]!, app: owner))
        }
    }

    @Test func unknownRefreshTokenIsInvalidGrant() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.refresh(UUID().uuidString.lowercased(), app: app), status: 400, error: "invalid_grant")
        }
    }

    @Test func malformedRefreshTokenIsInvalidRequest() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let reply = try await server.refresh("abc\"def", app: app)
            expectOAuthError(reply, status: 400, error: "invalid_request")
            #expect(reply["error_description"] == "Invalid refresh token: abc?def.")
        }
    }

    @Test func missingRefreshTokenIsInvalidRequest() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            expectOAuthError(try await server.token([("grant_type", "refresh_token")], headers: [app.basic]), status: 400, error: "invalid_request")
        }
    }
}
