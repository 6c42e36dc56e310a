import Foundation
import KeyfobTestSupport
import Testing

/// Two `keyfob serve` processes on one PostgreSQL database, as behind a load balancer: the atomic
/// rules hold across them, and changes made with the CLI reach both at once.
@Suite("Several instances on PostgreSQL", .timeLimit(.minutes(2)))
struct PostgresInstancesTests {
    static let redirect = "https://client.example.com/cb"

    /// A fresh database with a registered app and two servers on it.
    struct Deployment {
        let database: PostgresTestDatabase
        let app: (id: String, secret: String)
        let servers: [KeyfobProcess.Server]

        /// The server for request `index`, alternating like a round-robin balancer.
        func server(_ index: Int) -> KeyfobProcess.Server { servers[index % servers.count] }
    }

    func withDeployment(_ body: (Deployment) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase()
        do {
            let created = try await KeyfobProcess.run(
                ["apps", "create", "--name", "Fleet", "--redirect-uri", Self.redirect, "--database", database.url, "--json"])
            #expect(created.status == 0, "\(created.stderr)")
            let app = (try #require(created.json["client_id"] as? String), try #require(created.json["client_secret"] as? String))
            let servers = try [KeyfobProcess.Server(database: database.url), KeyfobProcess.Server(database: database.url)]
            defer { for server in servers { server.stop() } }
            for server in servers { try await server.waitUntilReady() }
            try await body(Deployment(database: database, app: app, servers: servers))
        } catch {
            await database.remove()
            throw error
        }
        await database.remove()
    }

    func mintCode(_ deployment: Deployment) async throws -> String {
        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", deployment.app.id, "--count", "1", "--redirect-uri", Self.redirect,
            "--database", deployment.database.url,
        ])
        #expect(minted.status == 0, "\(minted.stderr)")
        return minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func token(_ baseURL: String, _ form: String, id: String, secret: String) async throws -> TestHTTP.Reply {
        try await TestHTTP.send(
            .POST,
            baseURL + "/oauth/token",
            headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(form.utf8)
        )
    }

    @Test func sixtyFourExchangesOfOneCodeOverTwoInstancesGiveOnePair() async throws {
        try await withDeployment { deployment in
            let code = try await mintCode(deployment)
            let form = "grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)"
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for index in 0..<64 {
                    let baseURL = deployment.server(index).baseURL
                    group.addTask { try await Self.token(baseURL, form, id: deployment.app.id, secret: deployment.app.secret) }
                }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 200 }.count == 1)
            #expect(replies.filter { $0.status == 400 && $0["error"] == "invalid_grant" }.count == 63)
        }
    }

    @Test func sixteenRefreshesOfOneTokenOverTwoInstancesGiveOnePair() async throws {
        try await withDeployment { deployment in
            let code = try await mintCode(deployment)
            let first = try await Self.token(
                deployment.server(0).baseURL,
                "grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)",
                id: deployment.app.id,
                secret: deployment.app.secret
            )
            let refresh = try #require(first["refresh_token"])
            let replies = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
                for index in 0..<16 {
                    let baseURL = deployment.server(index).baseURL
                    group.addTask {
                        try await Self.token(
                            baseURL,
                            "grant_type=refresh_token&refresh_token=\(refresh)",
                            id: deployment.app.id,
                            secret: deployment.app.secret
                        )
                    }
                }
                return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 }, "\(replies.map(\.status))")
            #expect(Set(replies.compactMap { $0["refresh_token"] }).count == 1)
            #expect(Set(replies.compactMap { $0["access_token"] }).count == 1)
        }
    }

    @Test func aSecretRotatedWithTheCLIWorksOnBothInstancesAtOnce() async throws {
        try await withDeployment { deployment in
            let (id, oldSecret) = deployment.app
            // Each instance authenticates once with the old secret, so both hold it in their caches.
            for server in deployment.servers {
                #expect(try await Self.token(server.baseURL, "grant_type=client_credentials", id: id, secret: oldSecret).status == 200)
            }
            let rotated = try await KeyfobProcess.run(["apps", "rotate-secret", id, "--database", deployment.database.url, "--json"])
            let newSecret = try #require(rotated.json["client_secret"] as? String)
            for server in deployment.servers {
                #expect(try await Self.token(server.baseURL, "grant_type=client_credentials", id: id, secret: newSecret).status == 200)
                #expect(try await Self.token(server.baseURL, "grant_type=client_credentials", id: id, secret: oldSecret).status == 401)
            }
        }
    }

    @Test func failedLoginsCountedOnEitherInstanceThrottleBoth() async throws {
        try await withDeployment { deployment in
            let added = try await KeyfobProcess.run([
                "owners", "add", "--email", "ann@example.com", "--password", "correct horse", "--database", deployment.database.url,
            ])
            #expect(added.status == 0, "\(added.stderr)")
            func logIn(on server: KeyfobProcess.Server, password: String) async throws -> TestHTTP.Reply {
                let browser = ConnectBrowser(baseURL: server.baseURL)
                let query = TestHTTP.formEncode([("response_type", "code"), ("client_id", deployment.app.id), ("redirect_uri", Self.redirect)])
                let login = try await browser.get("/oauth/authorize?" + query)
                return try await browser.post(
                    "/oauth/login",
                    [("csrf", login.inputValue("csrf") ?? ""), ("email", "ann@example.com"), ("password", password)]
                )
            }
            // Five wrong passwords, alternating instances: the allowance is five in all, not per instance.
            for index in 0..<5 {
                let wrong = try await logIn(on: deployment.server(index), password: "guess \(index)")
                #expect(wrong.status == 200 && wrong.text.contains("do not match"))
            }
            for server in deployment.servers {
                let locked = try await logIn(on: server, password: "correct horse")
                #expect(locked.text.contains("Too many failed attempts"), "\(server.baseURL) let a sixth attempt through")
            }
        }
    }
}
