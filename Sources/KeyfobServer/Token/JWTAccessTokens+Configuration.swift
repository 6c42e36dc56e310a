import KeyfobCore

extension KeyfobConfiguration {
    /// The signer and reader of JWT access tokens over `store`'s signing keys, loaded now, so a
    /// key that cannot be opened stops start-up rather than a token request.
    func jwtAccessTokens(store: any Store, origin: ServerOrigin) async throws -> JWTAccessTokens {
        let ring = SigningKeyRing(
            store: store,
            kek: keyEncryptionKey,
            clock: clock,
            tokenLifetime: max(policy.accessTokenLifetime, policy.applicationTokenLifetime)
        )
        try await ring.load()
        let audience = jwtAudience
        return JWTAccessTokens(ring: ring, consents: store, issuer: { origin.url }, audience: { audience ?? origin.url + "/v2.0" })
    }
}
