import Foundation
import KeyfobConnect
import KeyfobCore

/// One data answer: its body and the times its headers state.
public struct VehicleReading: Sendable, Equatable {
    public var body: JSONValue
    /// When the value was recorded (`sc-data-age`).
    public var recordedAt: Date
    /// When Keyfob read it (`sc-fetched-at`).
    public var fetchedAt: Date
    /// The units the body is in (`sc-unit-system`).
    public var units: UnitSystem
}

/// One entry of a batch answer: its path as sent, and its reading or its own error.
public struct BatchEntry: Sendable {
    public var path: String
    public var result: Result<VehicleReading, APIError>
}

extension VehicleAPI {
    /// The most requests one `POST /batch` may carry: every data call once, with room to spare.
    public static let batchLimit = 25

    /// A data call (docs/contract.md §7): the vehicle must be in the token's grant, the permission
    /// granted, and the powertrain able to answer.
    public func read(
        _ endpoint: VehicleEndpoint,
        vehicle rawID: String,
        for access: BearerAccess,
        units: UnitSystem,
        query: [String: String] = [:]
    ) async throws -> VehicleReading {
        let simulator = try simulatorOrNotFound()
        let vehicle = try await grantedVehicle(rawID, for: access)
        return try await read(endpoint, of: vehicle, access: access, units: units, query: query, simulator: simulator)
    }

    private func read(
        _ endpoint: VehicleEndpoint,
        of vehicle: Vehicle,
        access: BearerAccess,
        units: UnitSystem,
        query: [String: String],
        simulator: VehicleSimulator
    ) async throws -> VehicleReading {
        try require(endpoint.permission, access)
        let (values, profile) = try await simulator.snapshot(of: vehicle)
        guard endpoint.isAnswerable(by: values.powertrain) else { throw Self.notCapable(endpoint.rawValue, values.powertrain) }
        let range = try ServiceHistoryRange(startDate: query["startDate"], endDate: query["endDate"], now: values.at)
        return VehicleReading(
            body: endpoint.body(values, vehicle, profile, units, range),
            recordedAt: values.recordedAt,
            fetchedAt: values.at,
            units: units
        )
    }

    /// A command (`POST /security`, `/charge`, `/charge/limit`, `/navigation/destination`):
    /// checked like a read, then carried out on the stored state.
    public func perform(_ command: VehicleCommand, vehicle rawID: String, for access: BearerAccess) async throws -> JSONValue {
        let simulator = try simulatorOrNotFound()
        let vehicle = try await grantedVehicle(rawID, for: access)
        try require(command.permission, access)
        do {
            try await simulator.change(vehicle) { simulation, now in try simulation.performing(command, at: now) }
        } catch let refusal as VehicleRefusal {
            throw Self.error(for: refusal, command: command)
        }
        return ["status": "success", "message": "Successfully sent request to vehicle"]
    }

    /// `POST /batch`: each path answered as its own call would be, with its own status. The
    /// vehicle and the token are checked once, for the whole batch.
    public func batch(_ paths: [String], vehicle rawID: String, for access: BearerAccess, units: UnitSystem) async throws -> [BatchEntry] {
        let simulator = try simulatorOrNotFound()
        guard (1...Self.batchLimit).contains(paths.count) else {
            throw APIError(.validation, "A batch carries 1 to \(Self.batchLimit) requests, not \(paths.count).", code: "PARAMETER")
        }
        let vehicle = try await grantedVehicle(rawID, for: access)
        var entries = [BatchEntry]()
        for path in paths {
            let (route, query) = Self.split(path)
            do {
                let reading: VehicleReading
                if route.isEmpty {
                    reading = try await attributesReading(vehicle, access, units, simulator.now)
                } else if let endpoint = VehicleEndpoint(rawValue: route) {
                    reading = try await read(endpoint, of: vehicle, access: access, units: units, query: query, simulator: simulator)
                } else {
                    throw Self.unknownPath
                }
                entries.append(BatchEntry(path: path, result: .success(reading)))
            } catch {
                // Each entry's own error, as the call on its own would answer it.
                entries.append(BatchEntry(path: path, result: .failure(Self.entryError(error))))
            }
        }
        return entries
    }

    /// A batch entry's failure in the v2 vocabulary: a store that cannot answer is 503, anything
    /// unexpected 500 without details.
    static func entryError(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: error
        case is StoreUnavailableError: .temporarilyUnavailable
        default: APIError(.server, "An unexpected error occurred.")
        }
    }

    /// `GET /` inside a batch: the vehicle's attributes.
    private func attributesReading(_ vehicle: Vehicle, _ access: BearerAccess, _ units: UnitSystem, _ now: Date) async throws -> VehicleReading {
        try require("read_vehicle_info", access)
        let body: JSONValue = [
            "id": .string(vehicle.id.lowercasedText), "make": .string(vehicle.make), "model": .string(vehicle.model),
            "year": .number(Double(vehicle.year)),
        ]
        return VehicleReading(body: body, recordedAt: now, fetchedAt: now, units: units)
    }

    /// A batch path's route without its slashes, and its query.
    static func split(_ path: String) -> (route: String, query: [String: String]) {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var route = Substring(parts.first ?? "")
        while route.hasPrefix("/") { route = route.dropFirst() }
        while route.hasSuffix("/") { route = route.dropLast() }
        var query = [String: String]()
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[String(kv[0]).removingPercentEncoding ?? String(kv[0])] =
                    kv.count == 2 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        return (String(route), query)
    }

    /// An unknown path under a vehicle (docs/contract.md §7).
    public static let unknownPath = APIError(.resourceNotFound, "No such endpoint for a vehicle.", code: "PATH")

    private func simulatorOrNotFound() throws(APIError) -> VehicleSimulator {
        // `--vehicle-api off`: the team serves vehicle data itself.
        guard let simulator else { throw Self.unknownPath }
        return simulator
    }

    static func notCapable(_ what: String, _ powertrain: Powertrain) -> APIError {
        APIError(.compatibility, "This \(powertrain.rawValue) vehicle cannot answer /\(what).", code: "VEHICLE_NOT_CAPABLE")
    }

    static func error(for refusal: VehicleRefusal, command: VehicleCommand) -> APIError {
        switch refusal {
        case .inMotion: APIError(.vehicleState, "The vehicle is in motion.", code: "IN_MOTION")
        case .plugNotConnected: APIError(.vehicleState, "The charging plug is not connected.", code: "CHARGING_PLUG_NOT_CONNECTED")
        case .chargingInProgress: APIError(.vehicleState, "The vehicle is already charging.", code: "CHARGING_IN_PROGRESS")
        case .notCharging: APIError(.vehicleState, "The vehicle is not charging.", code: "NOT_CHARGING")
        case .fullyCharged: APIError(.vehicleState, "The vehicle is charged to its limit.", code: "FULLY_CHARGED")
        case .notCapable:
            APIError(.compatibility, "This vehicle has no traction battery to charge.", code: "VEHICLE_NOT_CAPABLE")
        }
    }
}

extension VehicleCommand {
    /// The permission the command needs.
    public var permission: String {
        switch self {
        case .lock, .unlock: "control_security"
        case .startCharge, .stopCharge, .setChargeLimit: "control_charge"
        case .navigate: "control_navigation"
        }
    }

    /// The command a `POST` body asks for at a path (`security`, `charge`, `charge/limit`,
    /// `navigation/destination`); a body that is not a JSON object of the right fields is 400
    /// `VALIDATION` / `PARAMETER`.
    public static func parse(path: String, body: Data) throws(APIError) -> VehicleCommand {
        // Decoded into typed optionals: a field of the wrong JSON type (a string limit, a boolean
        // latitude) fails the decoding, as a body that is not an object does.
        struct Fields: Decodable {
            let action: String?
            let limit: Double?
            let latitude: Double?
            let longitude: Double?
        }
        guard let fields = try? JSONDecoder().decode(Fields.self, from: body) else {
            throw APIError(.validation, "The request body must be a JSON object with fields of the right types.", code: "PARAMETER")
        }
        switch path {
        case "security", "charge":
            let actions: [String: VehicleCommand] =
                path == "security" ? ["LOCK": .lock, "UNLOCK": .unlock] : ["START": .startCharge, "STOP": .stopCharge]
            guard let action = fields.action, let command = actions[action] else {
                throw APIError(.validation, "action must be \(actions.keys.sorted().joined(separator: " or ")).", code: "PARAMETER")
            }
            return command
        case "charge/limit":
            guard let limit = fields.limit, (0.5...1).contains(limit) else {
                throw APIError(.validation, "limit must be a number from 0.5 to 1.", code: "PARAMETER")
            }
            return .setChargeLimit(limit)
        case "navigation/destination":
            guard let latitude = fields.latitude, (-90...90).contains(latitude) else {
                throw APIError(.validation, "latitude must be a number from -90 to 90.", code: "PARAMETER")
            }
            guard let longitude = fields.longitude, (-180...180).contains(longitude) else {
                throw APIError(.validation, "longitude must be a number from -180 to 180.", code: "PARAMETER")
            }
            return .navigate(latitude: latitude, longitude: longitude)
        default:
            throw VehicleAPI.unknownPath
        }
    }
}
