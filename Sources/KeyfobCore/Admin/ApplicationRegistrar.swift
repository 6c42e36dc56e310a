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

    /// Validates and registers an application. `permissions` nil allows every permission.
    public func register(name: String, redirectURIs: [String], permissions: [String]?, isPublic: Bool) async throws -> Registered {
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
        let secret = isPublic ? nil : ClientSecret.generate(using: random)
        let application = ClientApplication(
            id: UUID(),
            name: name,
            secretDigest: secret.map(SecretDigest.of),
            isPublic: isPublic,
            redirectURIs: redirectURIs,
            permissions: Permission.parseScope(Permission.scopeString(permissions)),
            createdAt: clock.now
        )
        try await store.insertApplication(application)
        return Registered(application: application, secret: secret)
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
