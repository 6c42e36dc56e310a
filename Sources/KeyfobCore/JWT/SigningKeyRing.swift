import Crypto
import Foundation
import JWTKit

/// The signing keys an instance uses, read from the store and opened with the key encryption
/// key, and read again every half minute so a `keyfob keys rotate` reaches every instance.
public actor SigningKeyRing {
    let store: any SigningKeyStore
    let kek: KeyEncryptionKey?
    let clock: any WallClock
    /// The longest an access token lives: how long a replaced key keeps verifying.
    let tokenLifetime: TimeInterval

    /// A published key, with its private half when it is the one that signs.
    struct Loaded {
        let record: SigningKeyRecord
        let publicKey: ES256PublicKey
        let privateKey: ES256PrivateKey?
    }

    private var keys: [Loaded] = []
    private var loadedAt: Date?
    /// How often the store is read again.
    static let refreshInterval: TimeInterval = 30

    /// Why the stored keys cannot be used.
    public struct Unusable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(store: any SigningKeyStore, kek: KeyEncryptionKey?, clock: any WallClock, tokenLifetime: TimeInterval) {
        self.store = store
        self.kek = kek
        self.clock = clock
        self.tokenLifetime = tokenLifetime
    }

    /// Reads the keys. Throws `Unusable` when keys are stored but there is no key encryption key,
    /// or it is not the one they were sealed with: a server that could not sign must not start.
    public func load() async throws {
        let now = clock.now
        let published = SigningKeyRecord.published(try await store.signingKeys(), at: now, tokenLifetime: tokenLifetime)
        var loaded = [Loaded]()
        for (index, record) in published.enumerated() {
            let publicKey = try ES256PublicKey(parameters: (record.x, record.y))
            var privateKey: ES256PrivateKey?
            if index == 0 {
                guard let kek else {
                    throw Unusable(
                        description: "signing keys are stored; give their key encryption key (KEYFOB_KEY_ENCRYPTION_KEY or --key-encryption-key-file)"
                    )
                }
                let raw: Data
                do { raw = try kek.open(record.sealedPrivateKey, kid: record.kid) } catch {
                    throw Unusable(
                        description: "the key encryption key does not open signing key \(record.kid): it is not the key they were sealed with"
                    )
                }
                privateKey = try ES256PrivateKey(backing: P256.Signing.PrivateKey(rawRepresentation: raw))
            }
            loaded.append(Loaded(record: record, publicKey: publicKey, privateKey: privateKey))
        }
        keys = loaded
        loadedAt = now
    }

    /// The keys, read again when the last read is older than `refreshInterval`.
    private func current() async throws -> [Loaded] {
        if let loadedAt, clock.now.timeIntervalSince(loadedAt) < Self.refreshInterval { return keys }
        try await load()
        return keys
    }

    /// Whether a key can sign now.
    public func canSign() async throws -> Bool { try await current().first?.privateKey != nil }

    /// Signs `payload` with the newest key, its `kid` and `typ` in the header.
    func sign(_ payload: some JWTPayload, type: String) async throws -> String {
        guard let signer = try await current().first, let privateKey = signer.privateKey else {
            throw Unusable(description: "no signing key: run keyfob keys rotate")
        }
        let collection = JWTKeyCollection()
        let kid = JWKIdentifier(string: signer.record.kid)
        await collection.add(ecdsa: privateKey, kid: kid)
        return try await collection.sign(payload, kid: kid, header: ["typ": .string(type)])
    }

    /// The public key with this `kid`, if it is published. An unknown `kid` reads the store again
    /// (a key another instance made since the last read), at most once per refresh interval.
    func verifyingKey(kid: String) async throws -> ES256PublicKey? {
        if let found = try await current().first(where: { $0.record.kid == kid }) { return found.publicKey }
        // Made by another instance since the last read? Read again, but not more than once in
        // `unknownKidInterval`, so a stream of made-up kids cannot make every request a read.
        guard let loadedAt, clock.now.timeIntervalSince(loadedAt) >= Self.unknownKidInterval else { return nil }
        try await load()
        return keys.first { $0.record.kid == kid }?.publicKey
    }

    /// The least time between two reads prompted by an unknown `kid`.
    static let unknownKidInterval: TimeInterval = 5

    /// The published public keys as a JWK Set's members (RFC 7517 §5).
    public func publishedKeys() async throws -> [[String: String]] {
        try await current().map { loaded in
            ["kty": "EC", "crv": "P-256", "x": loaded.record.x, "y": loaded.record.y, "kid": loaded.record.kid, "alg": "ES256", "use": "sig"]
        }
    }
}
