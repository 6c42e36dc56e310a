import Foundation
import KeyfobTestSupport
import Testing

/// The `keyfob` command as users and scripts run it, on real SQLite files.
@Suite("keyfob CLI")
struct CLITests {
    static let redirect = "https://client.example.com/cb"

    func createApp(_ database: TemporaryDatabase, extra: [String] = []) async throws -> (id: String, secret: String) {
        let created = try await KeyfobProcess.createApp("CLI App", database: database.url, redirectURI: Self.redirect, extra: extra)
        return (created.id, created.secret)
    }

    @Test func appsCreateWithJSONPrintsOnlyJSONOnStdout() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let created = try await KeyfobProcess.run(
            [
                "apps", "create", "--name", "CLI App", "--redirect-uri", Self.redirect, "--redirect-uri", "myapp://cb",
                "--permissions", "read_vehicle_info read_odometer", "--database", database.url, "--json",
            ])
        #expect(created.status == 0)
        let json = created.json
        #expect(UUID(uuidString: json["client_id"] as? String ?? "") != nil)
        #expect((json["client_secret"] as? String)?.count == 43)
        #expect(json["redirect_uris"] as? [String] == [Self.redirect, "myapp://cb"])
        #expect(json["permissions"] as? [String] == ["read_vehicle_info", "read_odometer"])

        let shown = try await KeyfobProcess.run(["apps", "show", json["client_id"] as! String, "--database", database.url, "--json"])
        #expect(shown.json["name"] as? String == "CLI App")
        #expect(shown.json["client_secret"] == nil, "the secret is shown once, at creation")
    }

    @Test(arguments: [
        ["--idle-timeout", "0s"], ["--body-timeout", "2h"], ["--idle-timeout", "soon"], ["--metrics-port", "0"],
        ["--metrics-port", "8080"], ["--api-calls-per-token", "0"], ["--client-auth-failures", "0"], ["--max-pending-writes", "0"],
        ["--connect-modes", "production"], ["--log-format", "xml"],
    ])
    func serveRefusesSettingsOutOfRange(arguments: [String]) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let refused = try await KeyfobProcess.run(["serve", "--database", database.url] + arguments)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Error"), "\(refused.stderr)")
    }

    @Test func aDatabaseThatWentMissingIsNotSilentlyRecreated() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let first = try await KeyfobProcess.run(["migrate", "--database", database.url])
        #expect(first.status == 0, "\(first.stderr)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
        let refused = try await KeyfobProcess.run(["migrate", "--database", database.url])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is missing") && refused.stderr.contains("--sqlite-create-missing"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database.path))
        let recreated = try await KeyfobProcess.run(["migrate", "--database", database.url, "--sqlite-create-missing"])
        #expect(recreated.status == 0, "\(recreated.stderr)")
        #expect(FileManager.default.fileExists(atPath: database.path))
    }

    @Test func aCorruptDatabaseIsAOneLineErrorAtStartUp() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: database.path))
        let refused = try await KeyfobProcess.run(["migrate", "--database", database.url])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("not a database") || refused.stderr.contains("corrupt"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("Fatal error"))
    }

    /// docs/contract.md §8: `apps create` prints the management token once; `apps rotate-amt`
    /// replaces it (the old one stops); only digests are stored.
    @Test func theManagementTokenIsShownOnceStoredAsADigestAndRotated() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let created = try await KeyfobProcess.createApp("AMT App", database: database.url)
        let id = created.id
        let first = try #require(created.printed["management_token"] as? String)
        #expect(first.count == 43)
        let shown = try await KeyfobProcess.run(["apps", "show", id, "--database", database.url, "--json"])
        #expect(shown.status == 0 && !shown.stdout.contains(first) && shown.json["management_token"] == nil)
        let rotated = try await KeyfobProcess.run(["apps", "rotate-amt", id, "--database", database.url, "--json"])
        let second = try #require(rotated.json["management_token"] as? String)
        #expect(second != first)
        let raw =
            try Data(contentsOf: URL(fileURLWithPath: database.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))) ?? Data())
        #expect(raw.range(of: Data(first.utf8)) == nil && raw.range(of: Data(second.utf8)) == nil)
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        for (token, status) in [(first, 401), (second, 200)] {
            let basic = Data("default:\(token)".utf8).base64EncodedString()
            let reply = try await TestHTTP.send(
                .GET,
                server.baseURL + "/v2.0/management/connections/",
                headers: [("Authorization", "Basic \(basic)")]
            )
            #expect(reply.status == status, "\(reply.text)")
        }
        let unknown = try await KeyfobProcess.run(["apps", "rotate-amt", UUID().uuidString, "--database", database.url])
        #expect(unknown.status == 1 && unknown.stderr.contains("No application"))
    }

    @Test func resourceServersCreateShowsTheSecretOnceAndStoresOnlyItsDigest() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let created = try await KeyfobProcess.run(["resource-servers", "create", "--name", "Vehicle API", "--database", database.url, "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.json["id"] as? String)
        let secret = try #require(created.json["secret"] as? String)
        #expect(secret.count == 43)
        let listed = try await KeyfobProcess.run(["resource-servers", "list", "--database", database.url, "--json"])
        #expect(listed.stdout.contains(id) && !listed.stdout.contains(secret))
        let raw =
            try Data(contentsOf: URL(fileURLWithPath: database.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))) ?? Data())
        #expect(raw.range(of: Data(secret.utf8)) == nil)
        let deleted = try await KeyfobProcess.run(["resource-servers", "delete", id, "--database", database.url])
        #expect(deleted.status == 0)
        let again = try await KeyfobProcess.run(["resource-servers", "delete", id, "--database", database.url])
        #expect(again.status != 0 && again.stderr.contains("No resource server"))
        let unnamed = try await KeyfobProcess.run(["resource-servers", "create", "--name", " ", "--database", database.url])
        #expect(unnamed.status != 0 && unnamed.stderr.contains("Error"))
    }

    @Test(arguments: [
        ["--name", "X", "--redirect-uri", "javascript:alert(1)"], ["--name", "X"],
        ["--name", "X", "--redirect-uri", "https://a.example/cb", "--permissions", "read_everything"],
    ])
    func appsCreateRefusesBadInputWithAMessage(arguments: [String]) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let result = try await KeyfobProcess.run(["apps", "create", "--database", database.url] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error"))
    }

    @Test func ownersAddStoresABcryptHashedOwnerWithVehicles() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let added = try await KeyfobProcess.run([
            "owners", "add", "--email", "ann@example.com", "--password", "correct horse", "--vehicle", "Tesla Model 3 2021",
            "--vehicle", "Ford F-150 2019 1FTEW1EP5KFA12345", "--database", database.url, "--json",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let vehicles = added.json["vehicles"] as? [[String: Any]] ?? []
        #expect(vehicles.map { $0["model"] as? String } == ["Model 3", "F-150"])
        #expect(vehicles.last?["vin"] as? String == "1FTEW1EP5KFA12345")
        let raw =
            try Data(contentsOf: URL(fileURLWithPath: database.path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: database.path + "-wal"))) ?? Data())
        #expect(raw.range(of: Data("correct horse".utf8)) == nil)
        #expect(
            raw.range(of: Data("$2b$12$".utf8)) != nil || raw.range(of: Data("$2a$12$".utf8)) != nil || raw.range(of: Data("$2y$12$".utf8)) != nil
        )

        let again = try await KeyfobProcess.run([
            "owners", "add", "--email", "ANN@example.com", "--password", "whatever1", "--database", database.url,
        ])
        #expect(again.status != 0)
        let bad = try await KeyfobProcess.run([
            "owners", "add", "--email", "b@example.com", "--password", "whatever1", "--vehicle", "Tesla", "--database", database.url,
        ])
        #expect(bad.status != 0)
    }

    @Test func mintCodesRefusesAnUnregisteredRedirectURI() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await createApp(database)
        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", app.id, "--count", "2", "--redirect-uri", "https://evil.example/cb", "--database", database.url,
        ])
        #expect(minted.status != 0)
        #expect(minted.stdout.isEmpty)
    }

    @Test func freshDatabasePrintsTheDemoAppOnceAndItsCredentialsWork() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let server = try KeyfobProcess.Server(database: database.url, extra: [])
        defer { server.stop() }
        try await server.waitUntilReady()
        let log = server.log
        let id = try #require(log.firstMatch(of: /client_id:\s+(\S+)/)?.1)
        let secret = try #require(log.firstMatch(of: /client_secret:\s+(\S+)/)?.1)
        #expect(log.contains("/oauth/authorize?response_type=code&client_id=\(id)"))
        #expect(log.contains("mode=test"))
        #expect(log.contains("Development setting"))
        let reply = try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(String(id), String(secret)), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("grant_type=client_credentials".utf8)
        )
        #expect(reply.status == 200)
    }

    /// The log handler renders metadata only when it writes a line (`DeferredMetadataLogHandler`):
    /// a line must still carry both the logger's metadata (Hummingbird's request id) and the
    /// line's own, and never the secret that was sent.
    @Test func logLinesCarryTheRequestsMetadataAndNoSecret() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await createApp(database)
        let server = try KeyfobProcess.Server(database: database.url, extra: ["--no-demo-app", "--log-level", "debug"])
        defer { server.stop() }
        try await server.waitUntilReady()
        let wrongSecret = "not-the-secret-\(UUID().uuidString)"
        let reply = try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(app.id, wrongSecret), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("grant_type=client_credentials".utf8)
        )
        #expect(reply.status == 401)
        let requestID = try #require(reply.header("sc-request-id"))
        try await Task.sleep(for: .milliseconds(200))
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("keyfob.request_id=\(requestID)") })
        #expect(line.contains("hb.request.id="))
        #expect(line.contains("keyfob.error=invalid_client"))
        #expect(line.contains("token request refused"))
        #expect(!server.log.contains(wrongSecret))
    }

    /// More codes than one write holds: written in batches, every one distinct, and the first and
    /// the last batch's codes both exchange.
    @Test func mintingMoreCodesThanOneBatchWritesThemAll() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await createApp(database)
        let count = 12_001
        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", app.id, "--count", "\(count)", "--redirect-uri", Self.redirect, "--database", database.url,
        ])
        let codes = minted.stdout.split(separator: "\n").map(String.init)
        #expect(codes.count == count && Set(codes).count == count, "\(minted.stderr)")
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        for code in [codes.first, codes.last].compactMap({ $0 }) {
            let reply = try await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/token",
                headers: [TestHTTP.basic(app.id, app.secret), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)".utf8)
            )
            #expect(reply.status == 200, "\(reply.text)")
        }
    }

    @Test func tokenAnsweredWith200SurvivesSIGKILL() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let app = try await createApp(database)
        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", app.id, "--count", "20", "--redirect-uri", Self.redirect, "--database", database.url,
        ])
        let codes = minted.stdout.split(separator: "\n").map(String.init)
        #expect(codes.count == 20)

        let server = try KeyfobProcess.Server(database: database.url)
        try await server.waitUntilReady()
        // Twenty exchanges in flight together, then SIGKILL the moment the last answer arrives.
        let pairs = try await withThrowingTaskGroup(of: TestHTTP.Reply.self) { group in
            for code in codes {
                group.addTask {
                    try await TestHTTP.send(
                        .POST,
                        server.baseURL + "/oauth/token",
                        headers: [TestHTTP.basic(app.id, app.secret), ("Content-Type", "application/x-www-form-urlencoded")],
                        body: Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(Self.redirect)".utf8)
                    )
                }
            }
            return try await group.reduce(into: [TestHTTP.Reply]()) { $0.append($1) }
        }
        server.kill9()
        #expect(pairs.allSatisfy { $0.status == 200 })

        let restarted = try KeyfobProcess.Server(database: database.url)
        defer { restarted.stop() }
        try await restarted.waitUntilReady()
        for pair in pairs {
            let user = try await TestHTTP.send(
                .GET,
                restarted.baseURL + "/v2.0/user",
                headers: [("Authorization", "Bearer \(pair["access_token"] ?? "")")]
            )
            #expect(user.status == 200)
        }
    }

    @Test func changesMadeWithTheCLIWhileServingTakeEffectAtOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()

        func applicationToken(_ id: String, _ secret: String) async throws -> TestHTTP.Reply {
            try await TestHTTP.send(
                .POST,
                server.baseURL + "/oauth/token",
                headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data("grant_type=client_credentials".utf8)
            )
        }

        let app = try await createApp(database)
        #expect(try await applicationToken(app.id, app.secret).status == 200)

        let rotated = try await KeyfobProcess.run(["apps", "rotate-secret", app.id, "--database", database.url, "--json"])
        let newSecret = try #require(rotated.json["client_secret"] as? String)
        #expect(try await applicationToken(app.id, app.secret).status == 401)
        #expect(try await applicationToken(app.id, newSecret).status == 200)

        let overlap = try await KeyfobProcess.run(["apps", "rotate-secret", app.id, "--overlap", "1h", "--database", database.url, "--json"])
        let newest = try #require(overlap.json["client_secret"] as? String)
        #expect(try await applicationToken(app.id, newSecret).status == 200)
        #expect(try await applicationToken(app.id, newest).status == 200)

        let minted = try await KeyfobProcess.run([
            "dev", "mint-codes", "--app", app.id, "--count", "1", "--redirect-uri", Self.redirect, "--database", database.url,
        ])
        let pair = try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(app.id, newest), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(
                "grant_type=authorization_code&code=\(minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))&redirect_uri=\(Self.redirect)"
                    .utf8
            )
        )
        let token = try #require(pair["access_token"])
        #expect(try await TestHTTP.send(.GET, server.baseURL + "/v2.0/user", headers: [("Authorization", "Bearer \(token)")]).status == 200)

        #expect(try await KeyfobProcess.run(["apps", "delete", app.id, "--database", database.url]).status == 0)
        #expect(try await TestHTTP.send(.GET, server.baseURL + "/v2.0/user", headers: [("Authorization", "Bearer \(token)")]).status == 401)
        #expect(try await applicationToken(app.id, newest).status == 401)
    }

    @Test func gcReportsWhatItRemoved() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        _ = try await createApp(database)
        let result = try await KeyfobProcess.run(["gc", "--database", database.url, "--json"])
        #expect(result.status == 0)
        #expect(result.json["removed"] as? Int == 0)
    }

    @Test(arguments: [
        ["serve", "--port", "70000"], ["serve", "--base-url", "ftp://example.com"], ["apps", "rotate-secret", "x", "--overlap", "soon"],
        ["dev", "mint-codes", "--app", "x", "--count", "0", "--redirect-uri", "https://a.example/cb"],
        ["apps", "list", "--database", "mysql://db"], ["apps", "list", "--sqlite-synchronous", "off"],
    ])
    func invalidArgumentsAreRefusedBeforeAnythingRuns(arguments: [String]) async throws {
        let result = try await KeyfobProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error"))
        #expect(result.stdout.isEmpty)
    }

    @Test func appsCreateTakesGrantTypesPARAndDPoPAndRefusesUnknownGrantTypes() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let created = try await KeyfobProcess.run([
            "apps", "create", "--name", "Car screen", "--redirect-uri", Self.redirect, "--grant-types", "device_code, refresh_token",
            "--database", database.url, "--json",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.json["grant_types"] as? [String] == ["refresh_token", "urn:ietf:params:oauth:grant-type:device_code"])
        let plain = try await KeyfobProcess.run([
            "apps", "create", "--name", "Web", "--redirect-uri", Self.redirect, "--database", database.url, "--json",
        ])
        #expect(plain.json["grant_types"] as? [String] == ["authorization_code", "refresh_token", "client_credentials"])
        #expect(plain.json["require_pushed_authorization_requests"] as? Bool == false)
        let pushing = try await KeyfobProcess.run([
            "apps", "create", "--name", "Pushing", "--redirect-uri", Self.redirect, "--require-par", "--require-dpop", "--database", database.url,
            "--json",
        ])
        #expect(pushing.json["require_pushed_authorization_requests"] as? Bool == true, "\(pushing.stderr)")
        #expect(pushing.json["dpop_bound_access_tokens"] as? Bool == true)
        #expect(plain.json["dpop_bound_access_tokens"] as? Bool == false)
        let shown = try await KeyfobProcess.run(["apps", "show", try #require(pushing.json["client_id"] as? String), "--database", database.url])
        #expect(shown.stdout.contains("Pushed (PAR):   required"), "\(shown.stdout)")
        #expect(shown.stdout.contains("DPoP:           required"), "\(shown.stdout)")
        for bad in ["password", ""] {
            let refused = try await KeyfobProcess.run([
                "apps", "create", "--name", "X", "--redirect-uri", Self.redirect, "--grant-types", bad, "--database", database.url,
            ])
            #expect(refused.status != 0 && refused.stderr.contains("grant type"), "\(bad): \(refused.stderr)")
        }
    }

    @Test(arguments: [
        ["apps", "show"], ["apps", "delete"], ["apps", "rotate-secret"], ["try", "--secret", "s", "--app"],
        ["dev", "mint-codes", "--count", "1", "--redirect-uri", "https://a.example/cb", "--app"],
    ])
    func unknownApplicationIDsAreRefusedWithAMessage(arguments: [String]) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let result = try await KeyfobProcess.run(arguments + [UUID().uuidString, "--database", database.url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("No application") || result.stderr.contains("No confidential application"))
        #expect(result.stdout.isEmpty)
    }

    @Test func anUnreachablePostgreSQLIsReportedWithoutItsPassword() async throws {
        let port = try FreePort.find()
        let result = try await KeyfobProcess.run(
            ["apps", "list", "--database", "postgres://keyfob:hunter2@127.0.0.1:\(port)/keyfob?sslmode=disable", "--db-timeout", "1s"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot connect to PostgreSQL") && result.stderr.contains("refused"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
    }

    @Test func aPostgreSQLThatRefusesIsReportedInItsOwnWords() async throws {
        let database = try await PostgresTestDatabase()
        defer { Task { await database.remove() } }
        let missing = database.url.replacingOccurrences(of: database.name, with: database.name + "_missing")
        let result = try await KeyfobProcess.run(["apps", "list", "--database", missing])
        #expect(result.status != 0)
        #expect(result.stderr.contains("refused the connection") && result.stderr.contains("does not exist"), "\(result.stderr)")
    }

    @Test(arguments: [
        ["apps", "list", "--database", "postgres://127.0.0.1/keyfob"],
        ["apps", "list", "--database", "postgres://u@127.0.0.1/keyfob?sslmode=sometimes"],
        ["apps", "list", "--database", "postgres://u@127.0.0.1/keyfob", "--db-pool-size", "0"],
        ["apps", "list", "--database", "postgres://u@127.0.0.1/keyfob", "--db-timeout", "never"],
        ["apps", "list", "--database", "postgres://u@127.0.0.1/keyfob", "--db-timeout", "0"],
        ["apps", "list", "--database", "postgres://u@127.0.0.1/keyfob", "--db-timeout", "11m"],
    ])
    func badPostgreSQLSettingsAreRefusedWithAMessage(arguments: [String]) async throws {
        let result = try await KeyfobProcess.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error"), "\(result.stderr)")
    }
}
