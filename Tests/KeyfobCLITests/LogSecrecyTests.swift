import Foundation
import KeyfobTestSupport
import Testing

/// The logs of a whole flow at the most verbose level, in JSON, name no code, token, secret or
/// password that went over the wire (docs/contract.md §9), and each line is one JSON object.
@Suite("log secrecy")
struct LogSecrecyTests {
    static let redirect = "https://client.example.com/cb"

    @Test func aWholeFlowAtTraceLogsNoSecretAndEveryLineIsJSON() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let (id, secret, _) = try await KeyfobProcess.createApp("Logged", database: database.url, redirectURI: Self.redirect)
        let password = "staple grapes river"
        _ = try await KeyfobProcess.run(
            ["owners", "add", "--email", "log@example.com", "--password", password, "--vehicle", "Tesla Model 3 2021", "--database", database.url]
        )
        let server = try KeyfobProcess.Server(database: database.url, extra: ["--no-demo-app", "--log-level", "trace", "--log-format", "json"])
        defer { server.stop() }
        try await server.waitUntilReady()

        // Connect in live mode with the password, then the code's exchange.
        let browser = ConnectBrowser(baseURL: server.baseURL)
        let login = try await browser.get(
            server.baseURL + "/oauth/authorize?"
                + TestHTTP.formEncode([
                    ("response_type", "code"), ("client_id", id), ("redirect_uri", Self.redirect), ("state", "log-state"),
                    ("scope", "read_vehicle_info read_odometer control_security"),
                ])
        )
        _ = try await browser.post("/oauth/login", [("csrf", login.inputValue("csrf") ?? ""), ("email", "log@example.com"), ("password", password)])
        let grant = try await browser.get("/oauth/grant")
        let allowed = try await browser.post(
            "/oauth/grant",
            [("csrf", grant.inputValue("csrf") ?? ""), ("action", "allow")] + grant.vehicleChoices.map { ($0, "on") }
                + ["read_vehicle_info", "read_odometer", "control_security"].map { ("permission_\($0)", "on") }
        )
        let code = try #require(allowed.redirectParameters["code"], "\(allowed.status) \(allowed.header("Location") ?? "")")
        func post(_ path: String, _ form: [(String, String)]) async throws -> TestHTTP.Reply {
            try await TestHTTP.send(
                .POST,
                server.baseURL + path,
                headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Data(TestHTTP.formEncode(form).utf8)
            )
        }
        let pair = try await post("/oauth/token", [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect)])
        let access = try #require(pair.json["access_token"] as? String)
        let refresh = try #require(pair.json["refresh_token"] as? String)
        let rotated = try await post("/oauth/token", [("grant_type", "refresh_token"), ("refresh_token", refresh)])
        let newAccess = try #require(rotated.json["access_token"] as? String)
        let newRefresh = try #require(rotated.json["refresh_token"] as? String)
        _ = try await post("/oauth/introspect", [("token", newAccess)])
        let bearer = [("Authorization", "Bearer \(newAccess)")]
        let vehicles = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles", headers: bearer)
        let vehicle = try #require((vehicles.json["vehicles"] as? [String])?.first)
        _ = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles/\(vehicle)/odometer", headers: bearer)
        _ = try await TestHTTP.send(
            .POST,
            server.baseURL + "/v2.0/vehicles/\(vehicle)/security",
            headers: bearer,
            body: Data(#"{"action":"LOCK"}"#.utf8)
        )
        _ = try await post("/oauth/revoke", [("token", newRefresh)])
        _ = try await post("/oauth/token", [("grant_type", "client_credentials")])
        _ = try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(id, "a-wrong-secret-guess"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data("grant_type=client_credentials".utf8)
        )
        try await Task.sleep(for: .milliseconds(300))

        let log = server.log
        #expect(log.contains("\"message\":\"request\""), "the access log is on at trace")
        for secretText in [secret, password, code, access, refresh, newAccess, newRefresh, "a-wrong-secret-guess"] {
            #expect(!log.contains(secretText), "the log holds \(secretText.prefix(6))…")
        }
        for line in log.split(separator: "\n") where !line.isEmpty {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(
                object?["timestamp"] is String && object?["level"] is String && object?["message"] is String,
                "not a JSON log line: \(line.prefix(200))"
            )
        }
    }
}
