import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// RFC 6749 §3.3, §5.1 and §6: the token answer says what was granted, and a refresh may narrow
/// the scope but never widen it.
@Suite("token scope")
struct TokenScopeTests {
    @Test func exchangeAnswersTheGrantedScope() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            // The owner granted less than the app may ask for (a permission unticked).
            let code = try await server.fixtures.codes(for: app, permissions: ["read_odometer"]).codes[0]
            let pair = try await server.exchange(code, app: app)
            #expect(pair.status == 200)
            #expect(pair["scope"] == "read_odometer")
        }
    }

    @Test func refreshWithoutScopeKeepsTheGrantedScope() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let next = try await server.refresh(first["refresh_token"]!, app: app)
            #expect(next["scope"] == "read_vehicle_info read_odometer")
        }
    }

    @Test func refreshWithANarrowerScopeIssuesATokenLimitedToIt() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let (codes, _, vehicles) = try await server.fixtures.codes(for: app)
            let first = try await server.exchange(codes[0], app: app)
            let narrowed = try await server.token(
                [("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]!), ("scope", "read_odometer")],
                headers: [app.basic]
            )
            #expect(narrowed.status == 200)
            #expect(narrowed["scope"] == "read_odometer")
            let vehicle = vehicles[0].id.uuidString.lowercased()
            // The narrowed token lost read_vehicle_info; the old one still has it.
            #expect(try await server.api("/vehicles/\(vehicle)", token: narrowed["access_token"]).status == 403)
            #expect(try await server.api("/vehicles/\(vehicle)", token: first["access_token"]).status == 200)
            let permissions = try await server.api("/vehicles/\(vehicle)/permissions", token: narrowed["access_token"])
            #expect(permissions.json["permissions"] as? [String] == ["read_odometer"])
            // The new refresh token keeps the grant's whole scope (RFC 6749 §6).
            let widenedAgain = try await server.refresh(narrowed["refresh_token"]!, app: app)
            #expect(widenedAgain["scope"] == "read_vehicle_info read_odometer")
        }
    }

    @Test func graceRetryAnswersTheScopeOfTheFirstUse() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let form = [("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]!), ("scope", "read_odometer")]
            let narrowed = try await server.token(form, headers: [app.basic])
            let retried = try await server.refresh(first["refresh_token"]!, app: app)
            #expect(retried["access_token"] == narrowed["access_token"])
            #expect(retried["scope"] == "read_odometer")
        }
    }

    @Test func refreshWithAWiderScopeIsInvalidScopeAndConsumesNothing() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            let first = try await server.freshPair(app)
            let widened = try await server.token(
                [
                    ("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]!),
                    ("scope", "read_odometer control_security"),
                ],
                headers: [app.basic]
            )
            expectOAuthError(widened, status: 400, error: "invalid_scope")
            let unknown = try await server.token(
                [("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]!), ("scope", "fly")],
                headers: [app.basic]
            )
            expectOAuthError(unknown, status: 400, error: "invalid_scope")
            // Nothing was consumed: a plain refresh still rotates, and it is not a grace repeat.
            server.clock.advance(by: 120)
            let next = try await server.refresh(first["refresh_token"]!, app: app)
            #expect(next.status == 200)
        }
    }

    @Test func clientCredentialsAnswersItsScope() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app(permissions: ["read_odometer", "read_vin"])
            let token = try await server.token([("grant_type", "client_credentials")], headers: [app.basic])
            #expect(token["scope"] == "read_odometer read_vin")
        }
    }
}
