import Foundation

/// Authenticates the client at the token, revocation and introspection endpoints (RFC 6749 §2.3).
public struct ClientAuthenticator: Sendable {
    let applications: any ApplicationStore
    let clock: any WallClock

    /// Makes an authenticator over the application store.
    public init(applications: any ApplicationStore, clock: any WallClock) {
        self.applications = applications
        self.clock = clock
    }

    /// The application the credentials prove, or `invalid_client`.
    public func authenticate(_ presented: PresentedClient?) async throws -> Application {
        guard let presented else {
            throw OAuthError.invalidClient("Client authentication is required.", basicAttempted: false)
        }
        let basic = presented.method == .basic
        guard let id = UUID(uuidString: presented.clientID), let application = try await applications.application(id: id) else {
            // Hash anyway, so an unknown client id costs what a known one does.
            _ = SecretDigest.of(presented.secret ?? "").constantTimeEquals(SecretDigest.of(""))
            throw OAuthError.invalidClient("Invalid client credentials.", basicAttempted: basic, detail: "unknown client id")
        }
        let secret = presented.secret ?? ""
        if application.isPublic {
            // A public client has no secret to prove (RFC 6749 §2.1); PKCE protects its codes.
            guard secret.isEmpty else {
                throw OAuthError.invalidClient("This application is public and has no client secret.", basicAttempted: basic)
            }
            return application
        }
        guard !secret.isEmpty else {
            throw OAuthError.invalidClient("Client authentication is required.", basicAttempted: basic, detail: "no secret")
        }
        guard application.acceptsSecret(secret, at: clock.now) else {
            throw OAuthError.invalidClient("Invalid client credentials.", basicAttempted: basic, detail: "wrong secret")
        }
        return application
    }
}
