import Foundation

/// A stored authorization code (RFC 6749 §4.1.2). Only the digest of the code text is kept. Every
/// token issued from a code, and every rotation of those, forms the code's token family, which a
/// replay of the code revokes; the store keeps that link.
public struct AuthorizationCode: Sendable, Equatable {
    /// SHA-256 of the code text.
    public var digest: SecretDigest
    /// The grant the code carries.
    public var consentID: UUID
    /// The client it was issued to.
    public var applicationID: UUID
    /// The redirect URI the code was delivered to.
    public var redirectURI: String
    /// Whether the authorize request named `redirectURI` itself (RFC 6749 §4.1.3 then binds it).
    public var redirectURIWasSent: Bool
    /// RFC 7636 challenge, when the authorize request carried one.
    public var codeChallenge: String?
    /// RFC 7636 method; only `S256` is ever issued.
    public var codeChallengeMethod: String?
    /// Ten minutes after issue.
    public var expiresAt: Date
    /// Set once, when the code is redeemed.
    public var consumedAt: Date?

    /// Makes a code record.
    public init(
        digest: SecretDigest,
        consentID: UUID,
        applicationID: UUID,
        redirectURI: String,
        redirectURIWasSent: Bool,
        codeChallenge: String?,
        codeChallengeMethod: String?,
        expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.digest = digest
        self.consentID = consentID
        self.applicationID = applicationID
        self.redirectURI = redirectURI
        self.redirectURIWasSent = redirectURIWasSent
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}
