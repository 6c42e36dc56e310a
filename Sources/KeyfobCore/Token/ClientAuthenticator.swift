import Foundation

/// Authenticates the client at the token, revocation and introspection endpoints (RFC 6749 §2.3).
public struct ClientAuthenticator: Sendable {
    let applications: any ApplicationStore
    let clock: any WallClock
    let cache: ApplicationCache?

    /// Makes an authenticator over the application store, with an optional cache in front of it.
    public init(applications: any ApplicationStore, clock: any WallClock, cache: ApplicationCache? = nil) {
        self.applications = applications
        self.clock = clock
        self.cache = cache
    }

    /// The application the credentials prove, or `invalid_client`. With `fresh`, the cache is
    /// bypassed (after a `StaleClientError`).
    public func authenticate(_ presented: PresentedClient?, fresh: Bool = false) async throws -> ClientApplication {
        try await authenticateNoting(presented, fresh: fresh).application
    }

    /// As `authenticate`, also saying whether the cached copy answered, which another process
    /// may have made stale (a rotated secret, a deleted app) without this one knowing yet.
    func authenticateNoting(_ presented: PresentedClient?, fresh: Bool = false) async throws -> (application: ClientApplication, cached: Bool) {
        guard let presented else {
            throw OAuthError.invalidClient("Client authentication is required.", basicAttempted: false)
        }
        let basic = presented.method == .basic
        guard let id = UUID(text: presented.clientID) else {
            throw OAuthError.invalidClient("Invalid client credentials.", basicAttempted: basic, detail: "client id is not a UUID")
        }
        if !fresh, let cached = cache?.application(id), refusal(of: presented, by: cached) == nil {
            return (cached, true)
        }
        // A miss, or the cached copy refused: read the record, which another process may have changed.
        guard let application = try await applications.application(id: id) else {
            cache?.remove(id)
            // Hash anyway, so an unknown client id costs what a known one does.
            _ = SecretDigest.of(presented.secret ?? "").constantTimeEquals(SecretDigest.of(""))
            throw OAuthError.invalidClient("Invalid client credentials.", basicAttempted: basic, detail: "unknown client id")
        }
        cache?.store(application)
        if let refusal = refusal(of: presented, by: application) { throw refusal }
        return (application, false)
    }

    /// Why `application` does not accept the credentials, or nil when it does.
    private func refusal(of presented: PresentedClient, by application: ClientApplication) -> OAuthError? {
        let basic = presented.method == .basic
        let secret = presented.secret ?? ""
        if application.isPublic {
            // A public client has no secret to prove (RFC 6749 §2.1); PKCE protects its codes.
            return secret.isEmpty
                ? nil : OAuthError.invalidClient("This application is public and has no client secret.", basicAttempted: basic)
        }
        guard !secret.isEmpty else {
            return OAuthError.invalidClient("Client authentication is required.", basicAttempted: basic, detail: "no secret")
        }
        guard application.acceptsSecret(secret, at: clock.now) else {
            return OAuthError.invalidClient("Invalid client credentials.", basicAttempted: basic, detail: "wrong secret")
        }
        return nil
    }
}
