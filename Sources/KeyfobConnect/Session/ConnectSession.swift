import Foundation
import KeyfobCore

/// One Connect flow in progress, kept in the store so any instance can serve its next page.
public struct ConnectSession: Sendable, Equatable {
    /// SHA-256 of the session token the browser holds in its cookie.
    public var digest: SecretDigest
    /// The validated authorize request.
    public var request: AuthorizationRequest
    /// The anti-CSRF token every form of this session carries.
    public var csrfToken: String
    /// Set once the owner has logged in.
    public var ownerID: UUID?
    /// When the session ends (15 minutes after it starts).
    public var expiresAt: Date

    /// Makes a session record.
    public init(digest: SecretDigest, request: AuthorizationRequest, csrfToken: String, ownerID: UUID?, expiresAt: Date) {
        self.digest = digest
        self.request = request
        self.csrfToken = csrfToken
        self.ownerID = ownerID
        self.expiresAt = expiresAt
    }
}

/// Connect sessions.
public protocol ConnectSessionStore: Sendable {
    /// Starts a session.
    func insertSession(_ session: ConnectSession) async throws
    /// A session by the digest of its token (expired ones included; the caller judges).
    func session(digest: SecretDigest) async throws -> ConnectSession?
    /// Ends a session; false when it was already gone (a second submit of the same form).
    func deleteSession(digest: SecretDigest) async throws -> Bool
}
