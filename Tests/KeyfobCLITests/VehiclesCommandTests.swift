import Foundation
import KeyfobTestSupport
import Testing

/// `keyfob vehicles list|show|set|trip` and `serve --vehicle-api`, as administrators run them
/// beside a running server.
@Suite("keyfob vehicles")
struct VehiclesCommandTests {
    static let redirect = "https://client.example.com/cb"

    /// An app (every permission) and a bearer token for the test owner `dev mint-codes` uses.
    func tokenAndVehicle(_ database: TemporaryDatabase, _ server: KeyfobProcess.Server) async throws -> (token: String, vehicle: String) {
        let created = try await KeyfobProcess.run(
            ["apps", "create", "--name", "Fleet", "--redirect-uri", Self.redirect, "--database", database.url, "--json"]
        )
        let (id, secret) = (try #require(created.json["client_id"] as? String), try #require(created.json["client_secret"] as? String))
        let minted = try await KeyfobProcess.run(
            ["dev", "mint-codes", "--app", id, "--count", "1", "--redirect-uri", Self.redirect, "--database", database.url]
        )
        let code = try #require(minted.stdout.split(separator: "\n").first.map(String.init))
        let pair = try await TestHTTP.send(
            .POST,
            server.baseURL + "/oauth/token",
            headers: [TestHTTP.basic(id, secret), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Data(TestHTTP.formEncode([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Self.redirect)]).utf8)
        )
        let token = try #require(pair.json["access_token"] as? String, "\(pair.text)")
        let vehicles = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles", headers: [("Authorization", "Bearer \(token)")])
        return (token, try #require((vehicles.json["vehicles"] as? [String])?.first))
    }

    @Test func aChangeFromTheCLIIsAnsweredByTheRunningServerAtOnce() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        _ = try await KeyfobProcess.run(["migrate", "--database", database.url])
        let server = try KeyfobProcess.Server(database: database.url)
        defer { server.stop() }
        try await server.waitUntilReady()
        let (token, vehicle) = try await tokenAndVehicle(database, server)
        func security() async throws -> Bool? {
            try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles/\(vehicle)/security", headers: [("Authorization", "Bearer \(token)")])
                .json["isLocked"] as? Bool
        }
        #expect(try await security() == true)

        let listed = try await KeyfobProcess.run(["vehicles", "list", "--database", database.url, "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(all.contains { $0["id"] as? String == vehicle && $0["state"] as? String == "PARKED" })

        let set = try await KeyfobProcess.run(["vehicles", "set", vehicle, "--locked", "false", "--database", database.url, "--json"])
        #expect(set.status == 0 && set.json["isLocked"] as? Bool == false, "\(set.stderr)")
        #expect(try await security() == false)

        let started = try await KeyfobProcess.run(["vehicles", "trip", vehicle, "--start", "--database", database.url, "--json"])
        #expect(started.json["state"] as? String == "DRIVING")
        let before = try #require(started.json["odometerKm"] as? Double)
        let stepped = try await KeyfobProcess.run(["vehicles", "trip", vehicle, "--step", "30m", "--database", database.url, "--json"])
        #expect(try #require(stepped.json["odometerKm"] as? Double) >= before + 23.9)
        let shown = try await KeyfobProcess.run(["vehicles", "show", vehicle, "--database", database.url, "--json"])
        #expect(shown.json["state"] as? String == "DRIVING" && shown.json["odometerKm"] as? Double != nil)
        // The server sees the trip: a lock while driving is refused.
        let lock = try await TestHTTP.send(
            .POST,
            server.baseURL + "/v2.0/vehicles/\(vehicle)/security",
            headers: [("Authorization", "Bearer \(token)")],
            body: Data(#"{"action":"LOCK"}"#.utf8)
        )
        #expect(lock.status == 409 && lock.json["code"] as? String == "IN_MOTION")
        let stopped = try await KeyfobProcess.run(["vehicles", "trip", vehicle, "--stop", "--database", database.url, "--json"])
        #expect(stopped.json["state"] as? String == "PARKED")
    }

    @Test(arguments: [
        ["set", "VEHICLE"], ["set", "VEHICLE", "--battery", "1.5"], ["set", "VEHICLE", "--odometer", "1"],
        ["set", "VEHICLE", "--location", "north"], ["set", "VEHICLE", "--state", "FLYING"], ["trip", "VEHICLE"],
        ["trip", "VEHICLE", "--start", "--stop"], ["show", "0SC00000000000000"],
    ])
    func badVehicleCommandsAreRefusedWithAReason(arguments: [String]) async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let added = try await KeyfobProcess.run(
            [
                "owners", "add", "--email", "cli@example.com", "--password", "correct horse", "--vehicle", "Ford F-150 2019", "--database",
                database.url,
                "--json",
            ]
        )
        let vin = try #require(((added.json["vehicles"] as? [[String: Any]])?.first?["vin"]) as? String)
        let refused = try await KeyfobProcess.run(arguments.map { $0 == "VEHICLE" ? vin : $0 } + ["--database", database.url])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Error"), "\(refused.stderr)")
        // The F-150 was given a VIN of its model, so it is a combustion car.
        let shown = try await KeyfobProcess.run(["vehicles", "show", vin, "--database", database.url, "--json"])
        #expect(shown.json["powertrain"] as? String == "ICE" && shown.json["odometerKm"] as? Double != nil)
    }

    @Test func withTheVehicleAPIOffTheDataPathsAreNotFound() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        _ = try await KeyfobProcess.run(["migrate", "--database", database.url])
        let server = try KeyfobProcess.Server(database: database.url, extra: ["--no-demo-app", "--vehicle-api", "off"])
        defer { server.stop() }
        try await server.waitUntilReady()
        let (token, vehicle) = try await tokenAndVehicle(database, server)
        let odometer = try await TestHTTP.send(
            .GET,
            server.baseURL + "/v2.0/vehicles/\(vehicle)/odometer",
            headers: [("Authorization", "Bearer \(token)")]
        )
        #expect(odometer.status == 404 && odometer.json["code"] as? String == "PATH")
        let refused = try await KeyfobProcess.run(["serve", "--vehicle-api", "maybe", "--database", database.url])
        #expect(refused.status != 0)
    }
}
