import ArgumentParser
import Foundation
import KeyfobCore
import Logging

/// `keyfob keys …`: the signing keys of JWT access tokens (RFC 9068).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Signing keys for JWT access tokens: make a new one, list them.",
        subcommands: [Rotate.self, List.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new signing key; it signs from now on, and the one before keeps verifying until its tokens have expired."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var keyEncryption: KeyEncryptionOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            guard let kek = try keyEncryption.load() else {
                throw CommandFailure(
                    "A key encryption key is needed to seal the new key: --key-encryption-key-file FILE or KEYFOB_KEY_ENCRYPTION_KEY (openssl rand -base64 32)."
                )
            }
            let store = try await database.openStore(logger: Logger(label: "keyfob.keys"))
            // Every stored key must open with this one: keys sealed with two different keys
            // would stop the server at its next start.
            let ring = SigningKeyRing(store: store, kek: kek, clock: SystemWallClock(), tokenLifetime: TokenPolicy().accessTokenLifetime)
            do { try await ring.load() } catch let unusable as SigningKeyRing.Unusable { throw CommandFailure(unusable.description + ".") }
            let key = try SigningKeyRecord.generate(sealedWith: kek, at: Date())
            try await store.insertSigningKey(key)
            if json {
                try Output.json(["kid": key.kid, "created_at": ISO8601DateFormatter().string(from: key.createdAt)])
            } else {
                Output.line("New signing key \(key.kid): it signs JWT access tokens within 30 seconds on every instance.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signing keys, newest first, and which are published.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        struct Listed: Encodable {
            let kid: String
            let created_at: String
            let published: Bool
        }

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.keys"))
            let keys = try await store.signingKeys().sorted { $0.createdAt > $1.createdAt }
            let policy = TokenPolicy()
            let published = Set(
                SigningKeyRecord.published(keys, at: Date(), tokenLifetime: max(policy.accessTokenLifetime, policy.applicationTokenLifetime)).map(
                    \.kid
                )
            )
            let listed = keys.map {
                Listed(kid: $0.kid, created_at: ISO8601DateFormatter().string(from: $0.createdAt), published: published.contains($0.kid))
            }
            if json { return try Output.json(listed) }
            if listed.isEmpty { Output.line("No signing keys. Make one with: keyfob keys rotate --key-encryption-key-file FILE") }
            for (index, key) in listed.enumerated() {
                let role = index == 0 ? "signs" : key.published ? "verifies" : "retired"
                Output.line("\(key.kid)  \(key.created_at)  \(role)")
            }
        }
    }
}
