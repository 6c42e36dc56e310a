import Foundation

/// Records a consent and issues authorization codes for it: the end of a Connect flow, and the
/// admin path (`keyfob dev mint-codes`) that benchmarks and tests use.
public struct CodeIssuer: Sendable {
    let store: any ConsentStore
    let clock: any WallClock
    let random: any RandomSource
    let policy: TokenPolicy

    /// Makes an issuer.
    public init(
        store: any ConsentStore,
        clock: any WallClock = SystemWallClock(),
        random: any RandomSource = SystemRandomSource(),
        policy: TokenPolicy = TokenPolicy()
    ) {
        self.store = store
        self.clock = clock
        self.random = random
        self.policy = policy
    }

    /// Where the codes will be delivered and how they are bound (RFC 6749 §4.1.3, RFC 7636).
    public struct Binding: Sendable {
        /// Where the code is delivered.
        public var redirectURI: String
        /// Whether the authorize request named it, which binds the code to it.
        public var redirectURIWasSent: Bool
        /// An S256 PKCE challenge, if the request carried one.
        public var codeChallenge: String?

        /// Makes a binding; `codeChallenge` is an S256 challenge.
        public init(redirectURI: String, redirectURIWasSent: Bool, codeChallenge: String? = nil) {
            self.redirectURI = redirectURI
            self.redirectURIWasSent = redirectURIWasSent
            self.codeChallenge = codeChallenge
        }
    }

    /// Writes `grant` and `count` codes for it in one transaction; returns the code texts, which
    /// exist nowhere else after this call.
    public func issue(_ grant: Consent, binding: Binding, count: Int = 1) async throws -> [String] {
        let expiresAt = clock.now + policy.codeLifetime
        var texts = [String]()
        var records = [AuthorizationCode]()
        texts.reserveCapacity(count)
        records.reserveCapacity(count)
        for _ in 0..<count {
            let text = TokenText.random(using: random)
            texts.append(text)
            records.append(
                AuthorizationCode(
                    digest: .of(text),
                    consentID: grant.id,
                    applicationID: grant.applicationID,
                    redirectURI: binding.redirectURI,
                    redirectURIWasSent: binding.redirectURIWasSent,
                    codeChallenge: binding.codeChallenge,
                    codeChallengeMethod: binding.codeChallenge == nil ? nil : PKCE.s256,
                    expiresAt: expiresAt
                )
            )
        }
        try await store.insertConsent(grant, codes: records)
        return texts
    }
}
