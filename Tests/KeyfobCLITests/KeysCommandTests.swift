import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

/// `keyfob keys` and the settings around JWT access tokens, as an operator runs them.
@Suite("keyfob keys")
struct KeysCommandTests {
    static let redirect = "https://app.example/callback"

    @Test func keysRotateNeedsTheKeyEncryptionKeyAndJWTAppsNeedAKey() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let kek = KeyEncryptionKey.random().base64
        let noKEK = try await KeyfobProcess.run(["keys", "rotate", "--database", database.url])
        #expect(noKEK.status != 0 && noKEK.stderr.contains("key encryption key"), "\(noKEK.stderr)")
        let badKEK = try await KeyfobProcess.run(["keys", "rotate", "--database", database.url], environment: ["KEYFOB_KEY_ENCRYPTION_KEY": "short"])
        #expect(badKEK.status != 0 && badKEK.stderr.contains("32 bytes"), "\(badKEK.stderr)")

        let jwtApp = [
            "apps", "create", "--name", "API", "--redirect-uri", Self.redirect, "--access-token-format", "jwt", "--database", database.url, "--json",
        ]
        let tooEarly = try await KeyfobProcess.run(jwtApp)
        #expect(tooEarly.status != 0 && tooEarly.stderr.contains("keyfob keys rotate"), "\(tooEarly.stderr)")

        let rotated = try await KeyfobProcess.run(
            ["keys", "rotate", "--database", database.url, "--json"],
            environment: ["KEYFOB_KEY_ENCRYPTION_KEY": kek]
        )
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let kid = try #require(rotated.json["kid"] as? String)
        let created = try await KeyfobProcess.run(jwtApp)
        #expect(created.status == 0 && created.json["access_token_format"] as? String == "jwt", "\(created.stderr)")

        // A second key with another encryption key would leave keys the server cannot open.
        let mixed = try await KeyfobProcess.run(
            ["keys", "rotate", "--database", database.url],
            environment: ["KEYFOB_KEY_ENCRYPTION_KEY": KeyEncryptionKey.random().base64]
        )
        #expect(mixed.status != 0 && mixed.stderr.contains("not the key they were sealed with"), "\(mixed.stderr)")
        let listed = try await KeyfobProcess.run(["keys", "list", "--database", database.url])
        #expect(listed.stdout.contains("\(kid)") && listed.stdout.contains("signs"), "\(listed.stdout)")
        #expect(!listed.stdout.contains(kek))

        // The server does not start on keys it cannot open; the key from a file works.
        let refused = try await KeyfobProcess.run(["serve", "--port", "0", "--no-demo-app", "--database", database.url])
        #expect(refused.status == 1 && refused.stderr.contains("Cannot start") && refused.stderr.contains("key encryption key"), "\(refused.stderr)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kek-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("kek")
        try Data((kek + "\n").utf8).write(to: file)
        let fromFile = try await KeyfobProcess.run(
            ["keys", "rotate", "--database", database.url, "--key-encryption-key-file", file.path, "--json"]
        )
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let unreadable = try await KeyfobProcess.run([
            "keys", "rotate", "--database", database.url, "--key-encryption-key-file", folder.path + "/missing",
        ])
        #expect(unreadable.status != 0 && unreadable.stderr.contains("Cannot read"), "\(unreadable.stderr)")
    }
}
