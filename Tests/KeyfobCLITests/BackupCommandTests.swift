import Foundation
import KeyfobTestSupport
import Testing

/// `keyfob backup --to FILE` while the server serves: the copy is a database Keyfob serves, with
/// the tokens issued before it.
@Suite("keyfob backup")
struct BackupCommandTests {
    static let redirect = "https://client.example.com/cb"

    @Test func aBackupTakenWhileServingRestoresWithItsTokens() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (id, secret, _) = try await KeyfobProcess.createApp("Backed up", database: database.url, redirectURI: Self.redirect)
        let code = try #require(
            try await KeyfobProcess.run([
                "dev", "mint-codes", "--app", id, "--count", "1", "--redirect-uri", Self.redirect, "--database", database.url,
            ])
            .stdout.split(separator: "\n").first.map(String.init)
        )
        func token(_ base: String, _ form: [(String, String)]) async throws -> TestHTTP.Reply {
            try await TestHTTP.send(
                .POST,
                base + "/oauth/token",
                headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(TestHTTP.formEncode(form).utf8)
            )
        }
        let server = try KeyfobProcess.Server(database: database.url)
        try await server.waitUntilReady()
        let pair = try await token(server.baseURL, [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect)])
        let refresh = try #require(pair.json["refresh_token"] as? String)

        let copy = database.directory.appendingPathComponent("copy.sqlite").path
        let backup = try await KeyfobProcess.run(["backup", "--to", copy, "--database", database.url])
        #expect(backup.status == 0, "\(backup.stderr)")
        let again = try await KeyfobProcess.run(["backup", "--to", copy, "--database", database.url])
        #expect(again.status == 1 && again.stderr.contains("never overwrites"))
        server.stop()

        let restored = try KeyfobProcess.Server(database: "sqlite:" + copy)
        defer { restored.stop() }
        try await restored.waitUntilReady()
        let rotated = try await token(restored.baseURL, [("grant_type", "refresh_token"), ("refresh_token", refresh)])
        #expect(rotated.status == 200, "\(rotated.text)")
    }
}
