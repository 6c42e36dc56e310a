import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport
import KeyfobVehicles
import Testing

/// The vehicle's data and commands (docs/contract.md §7), over real HTTP to the simulator.
@Suite("vehicle data and commands")
struct VehicleDataTests {
    static let everyPermission = [
        "read_vehicle_info", "read_vin", "read_odometer", "read_location", "read_battery", "read_charge", "read_fuel", "read_tires",
        "read_engine_oil", "read_security", "read_service_history", "read_diagnostics", "control_security", "control_charge",
        "control_navigation",
    ]

    struct Car {
        let server: TestServer
        let token: String
        let id: String
        let vehicle: Vehicle

        func get(_ path: String, units: String? = nil) async throws -> TestHTTP.Reply {
            var headers = [("Authorization", "Bearer \(token)")]
            if let units { headers.append(("sc-unit-system", units)) }
            return try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles/\(id)" + path, headers: headers)
        }

        func post(_ path: String, _ body: String, headers extra: [(String, String)] = []) async throws -> TestHTTP.Reply {
            try await TestHTTP.send(
                .POST,
                server.baseURL + "/v2.0/vehicles/\(id)" + path,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")] + extra,
                body: Data(body.utf8)
            )
        }

        /// Changes the stored vehicle the way `keyfob vehicles set` does.
        func adjust(_ change: VehicleAdjustment) async throws {
            try await VehicleSimulator(store: server.store, clock: server.clock).change(vehicle) { simulation, now in
                try simulation.adjusted(change, at: now)
            }
        }
    }

    /// A token for one vehicle of the given catalogue entry, granted `permissions`.
    func car(_ server: TestServer, entry: Int = Fixtures.bev, permissions: [String] = everyPermission) async throws -> Car {
        let app = try await server.fixtures.app()
        let (codes, _, vehicles) = try await server.fixtures.codes(
            for: app,
            permissions: permissions,
            vins: [Fixtures.vin(catalogueEntry: entry)]
        )
        let pair = try await server.exchange(codes[0], app: app)
        return Car(server: server, token: try #require(pair["access_token"]), id: vehicles[0].id.lowercasedText, vehicle: vehicles[0])
    }

    @Test func everyDataCallAnswersTheFieldsTheSDKsRead() async throws {
        try await TestServer.with { server in
            let electric = try await car(server)
            let combustion = try await car(server, entry: Fixtures.ice)
            let fields: [(Car, String, [String])] = [
                (electric, "/vin", ["vin"]), (electric, "/odometer", ["distance"]), (electric, "/location", ["latitude", "longitude"]),
                (electric, "/battery", ["percentRemaining", "range"]), (electric, "/battery/capacity", ["capacity"]),
                (electric, "/battery/nominal_capacity", ["availableCapacities", "capacity", "url"]),
                (electric, "/charge", ["isPluggedIn", "state"]), (electric, "/charge/limit", ["limit"]),
                (combustion, "/fuel", ["amountRemaining", "percentRemaining", "range"]),
                (electric, "/tires/pressure", ["backLeft", "backRight", "frontLeft", "frontRight"]),
                (combustion, "/engine/oil", ["lifeRemaining"]),
                (electric, "/security", ["chargingPort", "doors", "isLocked", "storage", "sunroof", "windows"]),
                (electric, "/diagnostics/system_status", ["systems"]), (electric, "/diagnostics/dtcs", ["activeCodes"]),
            ]
            for (car, path, keys) in fields {
                let reply = try await car.get(path)
                #expect(reply.status == 200, "\(path): \(reply.text)")
                #expect(reply.json.keys.sorted() == keys, "\(path)")
                #expect(reply.header("sc-unit-system") == "metric", "\(path)")
                #expect(reply.header("sc-request-id") != nil && reply.header("sc-fetched-at") != nil, "\(path)")
                #expect(
                    reply.header("sc-data-age").flatMap { try? Date($0, strategy: .iso8601) } != nil,
                    "\(path): \(reply.header("sc-data-age") ?? "")"
                )
            }
            #expect(try await electric.get("/vin").json["vin"] as? String == electric.vehicle.vin)
            let history = try await electric.get("/service/history?startDate=2020-01-01")
            #expect(history.status == 200)
            let records = try #require(try JSONSerialization.jsonObject(with: history.body) as? [[String: Any]])
            #expect(!records.isEmpty && records.allSatisfy { $0["odometerDistance"] is Double && $0["serviceDate"] is String })
        }
    }

    @Test func imperialAnswersInMilesAndPsiAndAnUnknownSystemIsRefused() async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            let km = try #require(try await car.get("/odometer").json["distance"] as? Double)
            let imperial = try await car.get("/odometer", units: "imperial")
            #expect(imperial.header("sc-unit-system") == "imperial")
            let miles = try #require(imperial.json["distance"] as? Double)
            #expect(abs(km / miles - 1.609344) < 0.01)
            let kPa = try #require(try await car.get("/tires/pressure").json["frontLeft"] as? Double)
            let psi = try #require(try await car.get("/tires/pressure", units: "IMPERIAL").json["frontLeft"] as? Double)
            #expect(abs(kPa * 0.1450377 - psi) < 0.1)
            expectV2Error(try await car.get("/odometer", units: "furlongs"), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }

    @Test func whatThePowertrainCannotAnswerIsCompatibility() async throws {
        try await TestServer.with { server in
            let electric = try await car(server)
            let combustion = try await car(server, entry: Fixtures.ice)
            expectV2Error(try await electric.get("/fuel"), status: 501, type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE")
            expectV2Error(try await combustion.get("/battery"), status: 501, type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE")
            expectV2Error(
                try await combustion.post("/charge", #"{"action":"START"}"#),
                status: 501,
                type: "COMPATIBILITY",
                code: "VEHICLE_NOT_CAPABLE"
            )
        }
    }

    @Test func aCallWithoutItsPermissionIsForbiddenAndAnotherOwnersVehicleIsNotFound() async throws {
        try await TestServer.with { server in
            let limited = try await car(server, permissions: ["read_odometer"])
            #expect(try await limited.get("/odometer").status == 200)
            expectV2Error(try await limited.get("/location"), status: 403, type: "PERMISSION")
            expectV2Error(try await limited.post("/security", #"{"action":"LOCK"}"#), status: 403, type: "PERMISSION")
            let other = try await car(server)
            let foreign = Car(server: server, token: limited.token, id: other.id, vehicle: other.vehicle)
            expectV2Error(try await foreign.get("/odometer"), status: 404, type: "RESOURCE_NOT_FOUND")
            expectV2Error(try await foreign.post("/security", #"{"action":"UNLOCK"}"#), status: 404, type: "RESOURCE_NOT_FOUND")
            let anonymous = Car(server: server, token: "not-a-token", id: other.id, vehicle: other.vehicle)
            expectV2Error(try await anonymous.get("/odometer"), status: 401, type: "AUTHENTICATION")
        }
    }

    @Test(arguments: ["startDate=yesterday", "endDate=2026-13-45", "startDate=2026-05-01&endDate=2026-01-01", "startDate=%ZZ"])
    func aBadServiceHistoryRangeIsParameter(query: String) async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            expectV2Error(try await car.get("/service/history?\(query)"), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }

    @Test func anUnknownPathUnderAVehicleIsPath() async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            expectV2Error(try await car.get("/warp_drive"), status: 404, type: "RESOURCE_NOT_FOUND", code: "PATH")
            expectV2Error(try await car.post("/odometer", "{}"), status: 404, type: "RESOURCE_NOT_FOUND", code: "PATH")
        }
    }

    @Test func aLockIsStoredAndAnsweredAfterwards() async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            #expect(try await car.get("/security").json["isLocked"] as? Bool == true)
            let unlocked = try await car.post("/security", #"{"action":"UNLOCK"}"#)
            #expect(unlocked.status == 200 && unlocked.json["status"] as? String == "success" && unlocked.json["message"] is String)
            let security = try await car.get("/security")
            #expect(security.json["isLocked"] as? Bool == false)
            #expect((security.json["doors"] as? [[String: String]])?.allSatisfy { $0["status"] == "UNLOCKED" } == true)
            #expect(try await car.post("/charge/limit", #"{"limit":0.9}"#).status == 200)
            #expect(try await car.get("/charge/limit").json["limit"] as? Double == 0.9)
        }
    }

    @Test(arguments: [
        ("/security", "not json"), ("/security", #"{"action":"OPEN"}"#), ("/security", #"["LOCK"]"#), ("/charge", #"{"action":"LOCK"}"#),
        ("/charge/limit", #"{"limit":0.4}"#), ("/charge/limit", #"{"limit":1.01}"#), ("/charge/limit", #"{"limit":"0.8"}"#),
        ("/navigation/destination", #"{"latitude":91,"longitude":0}"#), ("/navigation/destination", #"{"latitude":10,"longitude":-181}"#),
        ("/navigation/destination", #"{"latitude":true,"longitude":0}"#), ("/navigation/destination", #"{"latitude":10}"#),
    ])
    func aBadCommandBodyIsParameter(path: String, body: String) async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            expectV2Error(try await car.post(path, body), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }

    @Test func commandsTheVehiclesStateRefusesAreVehicleState() async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            let refusal = try await car.post("/charge", #"{"action":"START"}"#)
            expectV2Error(refusal, status: 409, type: "VEHICLE_STATE", code: "CHARGING_PLUG_NOT_CONNECTED")
            expectV2Error(try await car.post("/charge", #"{"action":"STOP"}"#), status: 409, type: "VEHICLE_STATE", code: "NOT_CHARGING")
            var plug = VehicleAdjustment()
            plug.isPluggedIn = true
            plug.battery = 0.75
            try await car.adjust(plug)
            #expect(try await car.post("/charge", #"{"action":"START"}"#).status == 200)
            expectV2Error(try await car.post("/charge", #"{"action":"START"}"#), status: 409, type: "VEHICLE_STATE", code: "CHARGING_IN_PROGRESS")
            #expect(try await car.get("/charge").json["state"] as? String == "CHARGING")
            // An hour on (11 kW into at least 60 kWh from 75 %), it is full at its limit of 80 %.
            server.clock.advance(by: 3600)
            #expect(try await car.get("/charge").json["state"] as? String == "FULLY_CHARGED")
            expectV2Error(try await car.post("/charge", #"{"action":"START"}"#), status: 409, type: "VEHICLE_STATE", code: "FULLY_CHARGED")
            var drive = VehicleAdjustment()
            drive.activity = .driving
            try await car.adjust(drive)
            expectV2Error(try await car.post("/security", #"{"action":"LOCK"}"#), status: 409, type: "VEHICLE_STATE", code: "IN_MOTION")
        }
    }

    @Test func aDrivingVehicleMovesAsTheClockRuns() async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            var drive = VehicleAdjustment()
            drive.activity = .driving
            try await car.adjust(drive)
            let (odometer, location, battery) = (try await car.get("/odometer"), try await car.get("/location"), try await car.get("/battery"))
            server.clock.advance(by: 900)
            let later = (try await car.get("/odometer"), try await car.get("/location"), try await car.get("/battery"))
            let distance = try #require(later.0.json["distance"] as? Double) - (try #require(odometer.json["distance"] as? Double))
            #expect(abs(distance - VehicleProfile.tripSpeedKmh / 4) < 0.2)
            #expect(later.1.json["latitude"] as? Double != location.json["latitude"] as? Double)
            #expect(try #require(later.2.json["percentRemaining"] as? Double) < (try #require(battery.json["percentRemaining"] as? Double)))
        }
    }

    @Test func aBatchAnswersEachPathWithItsOwnStatus() async throws {
        try await TestServer.with { server in
            let car = try await car(server, permissions: ["read_odometer", "read_battery", "read_vehicle_info", "read_fuel"])
            let paths = ["/odometer", "/battery", "/location", "/nope", "/fuel", "/"]
            let body = #"{"requests":["# + paths.map { #"{"path":"\#($0)"}"# }.joined(separator: ",") + "]}"
            let reply = try await car.post("/batch", body)
            #expect(reply.status == 200, "\(reply.text)")
            let responses = try #require(reply.json["responses"] as? [[String: Any]])
            #expect(responses.map { $0["path"] as? String } == paths)
            #expect(responses.map { $0["code"] as? Int } == [200, 200, 403, 404, 501, 200])
            #expect((responses[0]["body"] as? [String: Any])?["distance"] is Double)
            #expect((responses[0]["headers"] as? [String: String])?["sc-unit-system"] == "metric")
            #expect((responses[3]["body"] as? [String: Any])?["code"] as? String == "PATH")
            #expect((responses[5]["body"] as? [String: Any])?["make"] as? String == "TESLA")
        }
    }

    @Test(arguments: ["not json", #"{"requests":[]}"#, #"{"requests":"odometer"}"#, "tooMany"])
    func aBadBatchIsParameter(body: String) async throws {
        try await TestServer.with { server in
            let car = try await car(server)
            let sent =
                body == "tooMany"
                ? #"{"requests":["# + Array(repeating: #"{"path":"/odometer"}"#, count: 100).joined(separator: ",") + "]}" : body
            expectV2Error(try await car.post("/batch", sent), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }

    @Test func withTheVehicleAPIOffItsPathsAreNotFoundAndTheRestStays() async throws {
        let off: @Sendable (inout KeyfobConfiguration) -> Void = { $0.vehicleAPI = false }
        try await TestServer.with(configure: off) { server in
            let car = try await car(server)
            expectV2Error(try await car.get("/odometer"), status: 404, type: "RESOURCE_NOT_FOUND", code: "PATH")
            expectV2Error(try await car.post("/security", #"{"action":"LOCK"}"#), status: 404, type: "RESOURCE_NOT_FOUND", code: "PATH")
            #expect(try await car.get("").status == 200)
            #expect(try await server.api("/vehicles", token: car.token).status == 200)
        }
    }

    /// Two stores on one database, opened after a first server wrote to it and stopped: a
    /// restart and a second instance, on SQLite (one file) and PostgreSQL (one database).
    enum SharedDatabase: String, CaseIterable, Sendable {
        case sqlite, postgres

        func with(_ body: @Sendable (_ open: @Sendable () async throws -> any Store) async throws -> Void) async throws {
            switch self {
            case .sqlite:
                let database = TemporaryDatabase()
                defer { database.remove() }
                try await body { try await database.open() }
            case .postgres:
                let database = try await PostgresTestDatabase()
                do {
                    try await body { try await database.open() }
                } catch {
                    await database.remove()
                    throw error
                }
                await database.remove()
            }
        }
    }

    @Test(arguments: SharedDatabase.allCases)
    func aLockHoldsAcrossARestartAndIsSeenByASecondInstance(_ shared: SharedDatabase) async throws {
        try await shared.with { open in
            let (token, vehicleID): (String, String) = try await TestServer.serving(try await open()) { server in
                let car = try await car(server)
                #expect(try await car.post("/security", #"{"action":"UNLOCK"}"#).status == 200)
                return (car.token, car.id)
            }
            let headers = [("Authorization", "Bearer \(token)")]
            let security = "/v2.0/vehicles/\(vehicleID)/security"
            // Two instances on the same database, started after the first stopped…
            try await TestServer.serving(try await open()) { one in
                try await TestServer.serving(try await open()) { two in
                    #expect(try await TestHTTP.send(.GET, two.baseURL + security, headers: headers).json["isLocked"] as? Bool == false)
                    // …and a lock through one is what the other answers.
                    let locked = try await TestHTTP.send(.POST, one.baseURL + security, headers: headers, body: Data(#"{"action":"LOCK"}"#.utf8))
                    #expect(locked.status == 200)
                    #expect(try await TestHTTP.send(.GET, two.baseURL + security, headers: headers).json["isLocked"] as? Bool == true)
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentCommandsOnOneVehicleAllLandAndEachCounts(_ backend: StoreBackend) async throws {
        try await TestServer.with(backend: backend) { server in
            let car = try await car(server)
            // An unlock among seven charge-limit changes, all at once: each is a conditional
            // write, so a change decided on a stale read is decided again, and the unlock is
            // never overwritten by a neighbour that read the car still locked.
            let limits = (0..<7).map { 0.5 + Double($0) * 0.05 }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await car.post("/security", #"{"action":"UNLOCK"}"#).status }
                for limit in limits { group.addTask { try await car.post("/charge/limit", #"{"limit":\#(limit)}"#).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 8))
            let stored = try #require(try await server.store.vehicleState(id: car.vehicle.id))
            #expect(stored.version == 8 && stored.state.isLocked == false)
            #expect(limits.contains { abs($0 - stored.state.chargeLimit) < 0.0001 })
        }
    }

    @Test func compatibilityAnswersFromThePowertrainForAnApp() async throws {
        try await TestServer.with { server in
            let app = try await server.fixtures.app()
            func ask(_ query: String, _ headers: [(String, String)]) async throws -> TestHTTP.Reply {
                try await TestHTTP.send(.GET, server.baseURL + "/v2.0/compatibility?" + query, headers: headers)
            }
            let electric = Fixtures.vin(catalogueEntry: Fixtures.bev)
            let yes = try await ask("vin=\(electric)&scope=read_battery%20read_odometer&country=US", [app.basic])
            #expect(yes.status == 200 && yes.json["compatible"] as? Bool == true && yes.json["reason"] is NSNull)
            let capabilities = try #require(yes.json["capabilities"] as? [[String: Any]])
            #expect(capabilities.map { $0["permission"] as? String } == ["read_battery", "read_odometer"])
            #expect(capabilities.allSatisfy { $0["capable"] as? Bool == true && $0["endpoint"] is String })
            let no = try await ask("vin=\(electric)&scope=read_fuel", [app.basic])
            #expect(no.json["compatible"] as? Bool == false && no.json["reason"] as? String == "VEHICLE_NOT_COMPATIBLE")
            expectV2Error(try await ask("vin=\(electric)&scope=read_fuel", []), status: 401, type: "AUTHENTICATION")
            expectV2Error(
                try await ask("vin=\(electric)&scope=read_fuel", [TestHTTP.basic(app.id, "wrong")]),
                status: 401,
                type: "AUTHENTICATION"
            )
            expectV2Error(try await ask("vin=SHORT&scope=read_fuel", [app.basic]), status: 400, type: "VALIDATION", code: "PARAMETER")
            expectV2Error(try await ask("vin=\(electric)", [app.basic]), status: 400, type: "VALIDATION", code: "PARAMETER")
            expectV2Error(try await ask("vin=\(electric)&scope=%ZZ", [app.basic]), status: 400, type: "VALIDATION", code: "PARAMETER")
            expectV2Error(try await ask("vin=\(electric)&scope=read_everything", [app.basic]), status: 400, type: "VALIDATION", code: "PARAMETER")
        }
    }
}
