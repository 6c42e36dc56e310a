import Foundation

/// Lifetimes of codes and tokens (docs/contract.md §1). The defaults are the contract's; embedders may
/// change them.
public struct TokenPolicy: Sendable {
    /// Authorization code lifetime: 10 minutes.
    public var codeLifetime: TimeInterval = 600
    /// Access token lifetime: 2 hours.
    public var accessTokenLifetime: TimeInterval = 7200
    /// Refresh token lifetime: 60 days.
    public var refreshTokenLifetime: TimeInterval = 60 * 24 * 3600
    /// How long a used refresh token is still accepted, answering the same pair again.
    public var refreshGracePeriod: TimeInterval = 60
    /// Application (client_credentials) token lifetime: 1 hour.
    public var applicationTokenLifetime: TimeInterval = 3600

    /// The contract's lifetimes.
    public init() {}
}
