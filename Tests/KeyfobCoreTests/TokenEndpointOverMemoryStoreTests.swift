import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobMemory
import Testing

/// Each grant's rules through `TokenEndpoint` over the reference `MemoryStore`: no HTTP, no SQL,
/// the clock moved by hand.
@Suite("token endpoint over the memory store")
struct TokenEndpointOverMemoryStoreTests {
    struct World {
        let store = MemoryStore()
        let clock = ManualWallClock()
        let endpoint: TokenEndpoint
        let app: ClientApplication
        let secret: String
        let grant: Consent

        init() async throws {
            endpoint = try TokenEndpoint(
                applications: store,
                grants: TokenEndpoint.standardGrants(tokens: store),
                rotationKey: RotationKey(bytes: await store.rotationKey()),
                clock: clock
            )
            let registered = try await ApplicationRegistrar(store: store, clock: clock).register(
                name: "Unit",
                redirectURIs: ["https://unit.example/cb"],
                permissions: ["read_odometer", "read_vin"],
                isPublic: false
            )
            app = registered.application
            secret = registered.secret!
            let owner = Owner(id: UUID(), email: "unit@example.com", passwordHash: nil, mode: .live)
            try await store.insertOwner(owner, vehicles: [])
            grant = Consent(
                id: UUID(),
                applicationID: app.id,
                ownerID: owner.id,
                permissions: ["read_odometer", "read_vin"],
                vehicleIDs: [],
                createdAt: clock.now
            )
        }

        func code() async throws -> String {
            try await CodeIssuer(store: store, clock: clock).issue(
                grant,
                binding: .init(redirectURI: "https://unit.example/cb", redirectURIWasSent: true)
            )[0]
        }

        func request(_ parameters: [String: String]) -> TokenRequest {
            TokenRequest(parameters: parameters, client: PresentedClient(clientID: app.id.lowercasedText, secret: secret, method: .basic))
        }

        func exchange(_ code: String) async throws -> TokenResponse {
            try await endpoint.respond(
                to: request(
                    ["grant_type": "authorization_code", "code": code, "redirect_uri": "https://unit.example/cb"])
            )
        }

        func refresh(_ token: String, scope: String? = nil) async throws -> TokenResponse {
            var parameters = ["grant_type": "refresh_token", "refresh_token": token]
            parameters["scope"] = scope
            return try await endpoint.respond(to: request(parameters))
        }
    }

    @Test func aCodeIsSpentOnceAndItsReplayRevokesWhatItIssued() async throws {
        let world = try await World()
        let code = try await world.code()
        let pair = try await world.exchange(code)
        #expect(pair.scope == "read_odometer read_vin" && pair.expiresIn == 7200)
        await #expect(
            throws: OAuthError.invalidGrant("The authorization code was already used; tokens issued from it are revoked.", detail: "code replay")
        ) {
            _ = try await world.exchange(code)
        }
        #expect(await world.store.bearerAccess(digest: .of(pair.accessToken))?.token.revoked == true)
    }

    @Test func aCodePastTenMinutesIsExpired() async throws {
        let world = try await World()
        let code = try await world.code()
        world.clock.advance(by: 601)
        await #expect(throws: OAuthError.invalidGrant("The authorization code has expired.")) { _ = try await world.exchange(code) }
    }

    @Test func aRefreshRotatesRepeatsInsideTheGraceAndRevokesAfterIt() async throws {
        let world = try await World()
        let first = try await world.exchange(try await world.code())
        let second = try await world.refresh(first.refreshToken!)
        world.clock.advance(by: 30)
        let repeated = try await world.refresh(first.refreshToken!)
        #expect(repeated.accessToken == second.accessToken && repeated.refreshToken == second.refreshToken && repeated.expiresIn == 7170)
        world.clock.advance(by: 31)
        await #expect(
            throws: OAuthError.invalidGrant("The refresh token was already used; its token family is now revoked.", detail: "refresh reuse")
        ) {
            _ = try await world.refresh(first.refreshToken!)
        }
        #expect(await world.store.bearerAccess(digest: .of(second.accessToken))?.token.revoked == true)
    }

    @Test func aRefreshMayNarrowTheScopeButNotWidenIt() async throws {
        let world = try await World()
        let first = try await world.exchange(try await world.code())
        await #expect(throws: OAuthError(.invalidScope, "Scope beyond what the owner granted: read_location.")) {
            _ = try await world.refresh(first.refreshToken!, scope: "read_vin read_location")
        }
        let narrowed = try await world.refresh(first.refreshToken!, scope: "read_vin")
        #expect(narrowed.scope == "read_vin")
        let access = try #require(await world.store.bearerAccess(digest: .of(narrowed.accessToken)))
        #expect(access.permissions == ["read_vin"])
    }

    @Test func anOldSecretIsRefusedAtOnceAfterARotation() async throws {
        let world = try await World()
        #expect(try await world.endpoint.respond(to: world.request(["grant_type": "client_credentials"])).scope == "read_odometer read_vin")
        _ = try await ApplicationRegistrar(store: world.store, clock: world.clock).rotateSecret(of: world.app.id, overlap: 0)
        for parameters in [["grant_type": "client_credentials"], ["grant_type": "nope"]] {
            await #expect(throws: OAuthError.invalidClient("Invalid client credentials.", basicAttempted: true, detail: "wrong secret")) {
                _ = try await world.endpoint.respond(to: world.request(parameters))
            }
        }
    }
}
