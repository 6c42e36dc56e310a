import Foundation

/// Registers resource servers: a random secret, shown once and stored as a digest.
public struct ResourceServerRegistrar: Sendable {
    let store: any ResourceServerStore
    let clock: any WallClock
    let random: any RandomSource

    /// Makes a registrar.
    public init(store: any ResourceServerStore, clock: any WallClock = SystemWallClock(), random: any RandomSource = SystemRandomSource()) {
        self.store = store
        self.clock = clock
        self.random = random
    }

    /// A name that cannot be registered.
    public struct InvalidName: Error, CustomStringConvertible {
        public let description: String
    }

    /// Registers a resource server named `name`; returns it with its secret, which is not kept.
    public func register(name: String) async throws -> (server: ResourceServer, secret: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw InvalidName(description: "A resource server needs a name of 1 to 200 characters.")
        }
        let secret = ClientSecret.generate(using: random)
        let server = ResourceServer(id: UUID(), name: trimmed, secretDigest: .of(secret), createdAt: clock.now)
        try await store.insertResourceServer(server)
        return (server, secret)
    }
}
