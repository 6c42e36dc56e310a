import ArgumentParser
import Foundation
import KeyfobCore

/// Where the key that seals signing keys comes from: a file (`--key-encryption-key-file`,
/// `KEYFOB_KEY_ENCRYPTION_KEY_FILE`) or the environment (`KEYFOB_KEY_ENCRYPTION_KEY`), 32 bytes
/// in base64. Never the config file or the database: a copy of either must not sign tokens.
struct KeyEncryptionOptions: ParsableArguments {
    @Option(
        name: .customLong("key-encryption-key-file"),
        help: ArgumentHelp(
            "A file holding the key that seals JWT signing keys (32 bytes, base64: openssl rand -base64 32). Env: KEYFOB_KEY_ENCRYPTION_KEY_FILE, or the key itself in KEYFOB_KEY_ENCRYPTION_KEY.",
            valueName: "file"
        )
    )
    var file: String?

    /// The key, or nil when none is given.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KeyEncryptionKey? {
        if let path = file ?? environment["KEYFOB_KEY_ENCRYPTION_KEY_FILE"] {
            guard let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw CommandFailure("Cannot read the key encryption key file \(path).")
            }
            return try parsed(text, from: path)
        }
        return try environment["KEYFOB_KEY_ENCRYPTION_KEY"].map { try parsed($0, from: "KEYFOB_KEY_ENCRYPTION_KEY") }
    }

    private func parsed(_ text: String, from place: String) throws -> KeyEncryptionKey {
        do {
            return try KeyEncryptionKey(base64: text)
        } catch let invalid as KeyEncryptionKey.Invalid {
            throw CommandFailure("\(place): \(invalid.description).")
        }
    }
}
