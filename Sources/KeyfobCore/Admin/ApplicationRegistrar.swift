import Foundation

/// Registers applications and rotates their secrets: the admin side of `ApplicationStore`.
public struct ApplicationRegistrar: Sendable {
    let store: any ApplicationStore
    let clock: any WallClock
    let random: any RandomSource

    /// Makes a registrar.
    public init(store: any ApplicationStore, clock: any WallClock = SystemWallClock(), random: any RandomSource = SystemRandomSource()) {
        self.store = store
        self.clock = clock
        self.random = random
    }

    /// A registration refused for its input.
    public struct InvalidRegistration: Error, CustomStringConvertible, Sendable {
        /// What is wrong with the registration.
        public var description: String
    }

    /// A new application and its secret, which is shown once and stored only as a digest.
    public struct Registered: Sendable {
        /// The stored record.
        public var application: ClientApplication
        /// nil for a public client.
        public var secret: String?
    }

    /// Validates and registers an application. `permissions` nil allows every permission;
    /// `grantTypes` nil allows `GrantType.defaults` (names as `GrantType.named` reads them);
    /// `requiresPushedAuthorizationRequests` refuses its authorize links unless pushed (RFC 9126);
    /// `requiresDPoP` refuses its token requests without a DPoP proof (RFC 9449);
    /// `accessTokenFormat` `.jwt` issues signed JWT access tokens (RFC 9068).
    public func register(
        name: String,
        redirectURIs: [String],
        permissions: [String]?,
        isPublic: Bool,
        grantTypes: [String]? = nil,
        requiresPushedAuthorizationRequests: Bool = false,
        requiresDPoP: Bool = false,
        accessTokenFormat: AccessTokenFormat = .opaque
    ) async throws -> Registered {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw InvalidRegistration(description: "the name must be 1 to 200 characters") }
        guard !redirectURIs.isEmpty else { throw InvalidRegistration(description: "at least one redirect URI is required") }
        for uri in redirectURIs {
            if let problem = RedirectURI.problem(with: uri) {
                throw InvalidRegistration(description: "redirect URI \(uri.prefix(200)) \(problem)")
            }
        }
        let permissions = permissions ?? Permission.all
        if let unknown = permissions.first(where: { !Permission.isKnown($0) }) {
            throw InvalidRegistration(description: "unknown permission \(unknown.prefix(64))")
        }
        let grantTypes = try grantTypes.map(Self.validGrantTypes)
        let secret = isPublic ? nil : ClientSecret.generate(using: random)
        let application = ClientApplication(
            id: UUID(),
            name: name,
            secretDigest: secret.map(SecretDigest.of),
            isPublic: isPublic,
            redirectURIs: redirectURIs,
            permissions: Permission.parseScope(Permission.scopeString(permissions)),
            grantTypes: grantTypes,
            requiresPushedAuthorizationRequests: requiresPushedAuthorizationRequests,
            requiresDPoP: requiresDPoP,
            accessTokenFormat: accessTokenFormat,
            createdAt: clock.now
        )
        try await store.insertApplication(application)
        return Registered(application: application, secret: secret)
    }

    /// The grant types a registration names, each once, in `GrantType.all`'s order.
    static func validGrantTypes(_ names: [String]) throws -> [String] {
        var chosen = Set<String>()
        for name in names {
            guard let grantType = GrantType.named(name) else {
                throw InvalidRegistration(
                    description: "unknown grant type \(name.prefix(64)) (use authorization_code, refresh_token, client_credentials, device_code)"
                )
            }
            chosen.insert(grantType)
        }
        guard !chosen.isEmpty else { throw InvalidRegistration(description: "at least one grant type is required") }
        return GrantType.all.filter(chosen.contains)
    }

    /// Gives an application a new secret; the old one keeps working for `overlap` seconds.
    /// Returns nil when there is no such confidential application.
    public func rotateSecret(of id: UUID, overlap: TimeInterval) async throws -> String? {
        let secret = ClientSecret.generate(using: random)
        let previousExpiresAt = overlap > 0 ? clock.now + overlap : nil
        guard try await store.replaceSecret(of: id, with: .of(secret), previousExpiresAt: previousExpiresAt) else { return nil }
        return secret
    }
}
