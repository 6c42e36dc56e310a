import Foundation

/// Checks `Authorization: Bearer <access token>` for the vehicle API (RFC 6750 §2.1).
public struct BearerAuthenticator: Sendable {
    let store: any TokenStore
    let clock: any WallClock

    /// Makes the authenticator.
    public init(store: any TokenStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// The access the header proves, or a 401 `AUTHENTICATION` error.
    public func authenticate(authorization header: String?) async throws -> BearerAccess {
        guard let header, !header.isEmpty else {
            throw APIError(.authentication, "The request is missing an access token: send Authorization: Bearer <token>.")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.authentication, "The Authorization header must use the Bearer scheme.")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard TokenText.isWellFormed(token) else {
            throw APIError.invalidToken("The access token is malformed.")
        }
        guard let access = try await store.bearerAccess(digest: .of(token)) else {
            throw APIError.invalidToken("The access token is invalid.")
        }
        guard !access.token.revoked else { throw APIError.invalidToken("The access token has been revoked.") }
        guard access.token.expiresAt > clock.now else { throw APIError.invalidToken("The access token has expired.") }
        return access
    }
}
