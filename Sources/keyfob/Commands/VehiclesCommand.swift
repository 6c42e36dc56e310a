import ArgumentParser
import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import KeyfobVehicles
import Logging

/// `keyfob vehicles …`: the simulated vehicles behind the vehicle API (docs/contract.md §7).
/// Changes are written to the database, so a running server answers them at once.
struct VehiclesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vehicles",
        abstract: "Inspect and drive the simulated vehicles.",
        subcommands: [List.self, Show.self, Set.self, Trip.self]
    )

    /// A vehicle with its owner's email and its values now, as `list` and `show` print them.
    struct Summary: Encodable {
        let id: String
        let vin: String
        let make: String
        let model: String
        let year: Int
        let owner: String
        let mode: String
        let powertrain: String
        let state: String
        let odometerKm: Double
        let battery: Double?
        let fuel: Double?
        let latitude: Double
        let longitude: Double
        let isLocked: Bool
        let isPluggedIn: Bool
        let chargeState: String?
        let chargeLimit: Double?
        let recordedAt: String

        init(_ vehicle: Vehicle, _ owner: Owner, _ values: VehicleSnapshot) {
            id = vehicle.id.lowercasedText
            vin = vehicle.vin
            make = vehicle.make
            model = vehicle.model
            year = vehicle.year
            self.owner = owner.email
            mode = owner.mode.rawValue
            powertrain = values.powertrain.rawValue
            state = values.activity.rawValue
            odometerKm = (values.odometerKm * 10).rounded() / 10
            battery = values.powertrain.hasBattery ? (values.battery * 1000).rounded() / 1000 : nil
            fuel = values.powertrain.hasTank ? (values.fuel * 1000).rounded() / 1000 : nil
            latitude = (values.latitude * 1e6).rounded() / 1e6
            longitude = (values.longitude * 1e6).rounded() / 1e6
            isLocked = values.isLocked
            isPluggedIn = values.isPluggedIn
            chargeState = values.powertrain.hasBattery ? values.chargeState : nil
            chargeLimit = values.powertrain.hasBattery ? values.chargeLimit : nil
            recordedAt = values.recordedAt.formatted(.iso8601)
        }

        /// Every value, labelled, for `show`.
        var details: [(String, String)] {
            var rows = [
                ("id", id), ("vin", vin), ("vehicle", "\(make) \(model) \(year)"), ("owner", "\(owner) (\(mode))"),
                ("powertrain", powertrain), ("state", state), ("odometer", "\(odometerKm) km"),
                ("location", "\(latitude),\(longitude)"), ("locked", "\(isLocked)"),
            ]
            if let battery { rows.append(("battery", "\(battery)")) }
            if let fuel { rows.append(("fuel", "\(fuel)")) }
            if let chargeState, let chargeLimit {
                rows += [("plugged in", "\(isPluggedIn)"), ("charge", chargeState), ("charge limit", "\(chargeLimit)")]
            }
            rows.append(("recorded at", recordedAt))
            return rows
        }

        var line: String {
            let energy = [battery.map { "battery \(Int(($0 * 100).rounded()))%" }, fuel.map { "fuel \(Int(($0 * 100).rounded()))%" }]
                .compactMap { $0 }.joined(separator: ", ")
            return "\(id)  \(vin)  \(make) \(model) \(year)  \(powertrain)  \(state)  \(Int(odometerKm)) km  \(energy)  "
                + "\(isLocked ? "locked" : "unlocked")  owner \(owner) (\(mode))"
        }
    }

    /// Every vehicle Keyfob knows: live owners' stored vehicles, and the derived vehicles of the
    /// test and simulated owners who have logged in.
    static func everyVehicle(_ store: any Store) async throws -> [(Vehicle, Owner)] {
        var found = [(Vehicle, Owner)]()
        for mode in ConnectMode.allCases {
            for owner in try await store.owners(mode: mode) {
                found += try await store.vehicles(of: owner).map { ($0, owner) }
            }
        }
        return found
    }

    /// The one vehicle a VIN or id names.
    static func vehicle(_ key: String, in store: any Store) async throws -> (Vehicle, Owner) {
        let matches = try await everyVehicle(store).filter { $0.0.id.lowercasedText == key.lowercased() || $0.0.vin == key.uppercased() }
        guard let match = matches.first else {
            throw CommandFailure("No vehicle with VIN or id \(key). `keyfob vehicles list` shows them.")
        }
        guard matches.count == 1 else {
            throw CommandFailure(
                "VIN \(key) names \(matches.count) vehicles; use one of their ids: "
                    + matches.map { $0.0.id.lowercasedText }.joined(separator: ", ")
            )
        }
        return match
    }

    static func open(_ database: DatabaseOptions) async throws -> (any Store, VehicleSimulator) {
        Output.bootstrapLogging(level: .info)
        let store = try await database.openStore(logger: Logger(label: "keyfob.vehicles"))
        return (store, VehicleSimulator(store: store, clock: SystemWallClock()))
    }

    /// Writes a change and prints the vehicle afterwards.
    static func change(
        _ key: String,
        _ database: DatabaseOptions,
        json: Bool,
        _ decide: @escaping @Sendable (VehicleSimulation, Date) throws -> VehicleState
    ) async throws {
        let (store, simulator) = try await open(database)
        let (vehicle, owner) = try await vehicle(key, in: store)
        do {
            try await simulator.change(vehicle, decide)
        } catch let error as VehicleAdjustmentError {
            throw CommandFailure(error.description)
        }
        let summary = Summary(vehicle, owner, try await simulator.snapshot(of: vehicle).snapshot)
        if json { return try Output.json(summary) }
        Output.line(summary.line)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every simulated vehicle with its state now.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (store, simulator) = try await VehiclesCommand.open(database)
            var summaries = [Summary]()
            for (vehicle, owner) in try await VehiclesCommand.everyVehicle(store) {
                summaries.append(Summary(vehicle, owner, try await simulator.snapshot(of: vehicle).snapshot))
            }
            if json { return try Output.json(summaries) }
            if summaries.isEmpty {
                Output.line("No vehicles yet: add a live owner with `keyfob owners add --vehicle …`, or log in to Connect in test mode.")
            }
            for summary in summaries { Output.line(summary.line) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one vehicle's state and every value now.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The vehicle's VIN or id.") var vehicle: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (store, simulator) = try await VehiclesCommand.open(database)
            let (found, owner) = try await VehiclesCommand.vehicle(vehicle, in: store)
            let summary = Summary(found, owner, try await simulator.snapshot(of: found).snapshot)
            if json { return try Output.json(summary) }
            for (label, value) in summary.details { Output.line("\(label): \(value)") }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pin a vehicle's state or values; a running server answers them at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The vehicle's VIN or id.") var vehicle: String
        @Option(help: "PARKED, DRIVING or CHARGING.") var state: VehicleActivity?
        @Option(help: "State of charge, 0 to 1.") var battery: Double?
        @Option(help: "Tank level, 0 to 1.") var fuel: Double?
        @Option(name: .customLong("plugged-in"), help: "true or false.") var pluggedIn: Bool?
        @Option(help: "true or false.") var locked: Bool?
        @Option(help: "LAT,LON in degrees.") var location: String?
        @Option(help: "Odometer in km (it only grows).") var odometer: Double?
        @Option(help: "BEV, PHEV or ICE (default: what the VIN decodes to).") var powertrain: Powertrain?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let location, Self.coordinates(location) == nil { throw ValidationError("--location must be LAT,LON, e.g. 37.77,-122.42.") }
            if [state == nil, battery == nil, fuel == nil, pluggedIn == nil, locked == nil, location == nil, odometer == nil, powertrain == nil]
                .allSatisfy({ $0 })
            {
                throw ValidationError(
                    "Name something to set: --state, --battery, --fuel, --plugged-in, --locked, --location, --odometer or --powertrain."
                )
            }
        }

        static func coordinates(_ text: String) -> Coordinate? {
            let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let latitude = parts[0], let longitude = parts[1] else { return nil }
            return Coordinate(latitude: latitude, longitude: longitude)
        }

        func run() async throws {
            var change = VehicleAdjustment()
            change.activity = state
            change.battery = battery
            change.fuel = fuel
            change.isPluggedIn = pluggedIn
            change.isLocked = locked
            change.location = location.flatMap(Self.coordinates)
            change.odometerKm = odometer
            change.powertrain = powertrain
            let adjustment = change
            try await VehiclesCommand.change(vehicle, database, json: json) { simulation, now in try simulation.adjusted(adjustment, at: now) }
        }
    }

    struct Trip: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start or stop a trip, or move a vehicle along its course at once (--step 5m)."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The vehicle's VIN or id.") var vehicle: String
        @Flag(help: "Start driving now (the car unplugs).") var start = false
        @Flag(help: "Stop where the car is.") var stop = false
        @Option(help: "Move the car on by this long, e.g. 5m or 1h.") var step: TimeSpan?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard [start, stop, step != nil].filter({ $0 }).count == 1 else { throw ValidationError("Name one of --start, --stop or --step.") }
            if let step, step.seconds > 7 * 86400 { throw ValidationError("--step is at most 7d.") }
        }

        func run() async throws {
            let (start, stop, step) = (start, stop, step?.seconds)
            try await VehiclesCommand.change(vehicle, database, json: json) { simulation, now in
                if start { return simulation.startingTrip(at: now) }
                if stop { return simulation.stoppingTrip(at: now) }
                return simulation.stepping(step ?? 0, at: now)
            }
        }
    }
}

extension VehicleActivity: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

extension Powertrain: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}
