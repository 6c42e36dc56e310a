import Foundation
import KeyfobConnect
import KeyfobTestSupport
import Testing

/// Live owners' accounts from the CLI: passwords from a flag, standard input or a prompt, checked
/// against the policy; a reset; and a deletion that stops every token the owner granted.
@Suite("keyfob owners accounts")
struct OwnerAccountsTests {
    @Test(arguments: ["password", "12345678", "short", "ann@example.com", "Annabelle", String(repeating: "x", count: 73)])
    func weakPasswordsAreRefused(password: String) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let refused = try await KeyfobProcess.run(
            [
                "owners", "add", "--email", password == "Annabelle" ? "annabelle@example.com" : "ann@example.com", "--password", password,
                "--database", database.url,
            ]
        )
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("Password refused"), "\(refused.stderr)")
    }

    @Test func thePolicyRefusesTheEmailAndCommonPasswordsAndTakesAGoodOne() {
        #expect(PasswordPolicy.problem(with: "Password1", email: "a@b.co") != nil)
        #expect(PasswordPolicy.problem(with: "bob@example.com", email: "Bob@Example.com") != nil)
        #expect(PasswordPolicy.problem(with: "correct horse battery", email: "a@b.co") == nil)
    }

    @Test func aPasswordFromStandardInputLogsInAndAResetReplacesIt() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let added = try await ChildProcess.run(
            [KeyfobProcess.executable.path, "owners", "add", "--email", "cy@example.com", "--password-stdin", "--database", database.url],
            input: Data("correct horse battery\n".utf8)
        )
        #expect(added.status == 0, "\(added.stderr)")
        let reset = try await ChildProcess.run(
            [KeyfobProcess.executable.path, "owners", "reset-password", "cy@example.com", "--password-stdin", "--database", database.url],
            input: Data("staple grapes river\n".utf8)
        )
        #expect(reset.status == 0, "\(reset.stderr)")
        let none = try await KeyfobProcess.run([
            "owners", "reset-password", "nobody@example.com", "--password", "staple grapes river", "--database", database.url,
        ])
        #expect(none.status == 1 && none.stderr.contains("No live owner"))
        // No terminal and no flag: refused, not a hang.
        let silent = try await ChildProcess.run(
            [KeyfobProcess.executable.path, "owners", "add", "--email", "dee@example.com", "--database", database.url],
            input: Data()
        )
        #expect(silent.status == 1 && silent.stderr.contains("No password"), "\(silent.stderr)")

        // The new password logs in through Connect; the old one does not.
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        let app = try await KeyfobProcess.run(
            ["apps", "create", "--name", "Live", "--redirect-uri", "https://client.example.com/cb", "--database", database.url, "--json"]
        )
        let id = try #require(app.json["client_id"] as? String)
        func logIn(_ password: String) async throws -> TestHTTP.Reply {
            let browser = ConnectBrowser(baseURL: server.baseURL)
            let page = try await browser.get(
                server.baseURL + "/oauth/authorize?"
                    + TestHTTP.formEncode([
                        ("response_type", "code"), ("client_id", id), ("redirect_uri", "https://client.example.com/cb"), ("mode", "live"),
                    ])
            )
            return try await browser.post(
                "/oauth/login",
                [("csrf", page.inputValue("csrf") ?? ""), ("email", "cy@example.com"), ("password", password)]
            )
        }
        #expect(try await logIn("staple grapes river").status == 303)
        #expect(try await logIn("correct horse battery").status != 303)

        let deleted = try await KeyfobProcess.run(["owners", "delete", "cy@example.com", "--database", database.url])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try await logIn("staple grapes river").status != 303)
        let listed = try await KeyfobProcess.run(["owners", "list", "--database", database.url, "--json"])
        #expect(!listed.stdout.contains("cy@example.com"))
    }
}
