import Foundation
import KeyfobTestSupport
import Testing

/// Connect sessions live in the store: a flow started on one `keyfob serve` finishes on another
/// process sharing the database — a SQLite file on one machine, or PostgreSQL behind a balancer.
@Suite("Connect across two instances")
struct TwoInstanceConnectTests {
    static let redirect = "https://client.example.com/cb"

    @Test(arguments: ["sqlite", "postgres"])
    func flowStartedOnOneInstanceFinishesOnTheOther(_ backend: String) async throws {
        if backend == "sqlite" {
            let database = TemporaryDatabase()
            defer { database.remove() }
            try await walkAcrossTwoInstances(database.url)
        } else {
            let database = try await PostgresTestDatabase()
            do { try await walkAcrossTwoInstances(database.url) } catch {
                await database.remove()
                throw error
            }
            await database.remove()
        }
    }

    func walkAcrossTwoInstances(_ databaseURL: String) async throws {
        let app = try await KeyfobProcess.run([
            "apps", "create", "--name", "Two", "--redirect-uri", Self.redirect, "--database", databaseURL, "--json",
        ])
        let id = try #require(app.json["client_id"] as? String)
        let secret = try #require(app.json["client_secret"] as? String)
        let first = try KeyfobProcess.Server(database: databaseURL)
        let second = try KeyfobProcess.Server(database: databaseURL)
        defer {
            first.stop()
            second.stop()
        }
        try await first.waitUntilReady()
        try await second.waitUntilReady()

        let browser = ConnectBrowser(baseURL: first.baseURL)
        let query = TestHTTP.formEncode([
            ("response_type", "code"), ("client_id", id), ("redirect_uri", Self.redirect), ("mode", "test"), ("state", "two"),
        ])
        let login = try await browser.get("/oauth/authorize?" + query)
        browser.baseURL = second.baseURL
        let loggedIn = try await browser.post(
            "/oauth/login",
            [("csrf", login.inputValue("csrf") ?? ""), ("email", "two@example.com"), ("password", "x")]
        )
        #expect(loggedIn.header("Location") == "/oauth/grant")
        browser.baseURL = first.baseURL
        let grant = try await browser.get("/oauth/grant")
        browser.baseURL = second.baseURL
        let done = try await browser.post(
            "/oauth/grant",
            [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow"), (grant.vehicleChoices[0], "on"), ("permission_read_odometer", "on")]
        )
        let code = try #require(done.redirectParameters["code"])
        #expect(done.redirectParameters["state"] == "two")

        let pair = try await TestHTTP.send(
            .POST,
            first.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)".utf8)
        )
        #expect(pair.status == 200)
    }
}
