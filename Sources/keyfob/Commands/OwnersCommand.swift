import ArgumentParser
import Foundation
import HummingbirdBcrypt
import KeyfobConnect
import KeyfobCore
import Logging

/// `keyfob owners …`: live-mode vehicle owners and their vehicles.
struct OwnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owners",
        abstract: "Manage live-mode vehicle owners.",
        subcommands: [Add.self, List.self]
    )

    struct VehicleSummary: Encodable {
        let id: String
        let make: String
        let model: String
        let year: Int
        let vin: String
    }

    struct OwnerSummary: Encodable {
        let id: String
        let email: String
        let vehicles: [VehicleSummary]
    }

    static func summary(_ owner: Owner, _ vehicles: [Vehicle]) -> OwnerSummary {
        OwnerSummary(
            id: owner.id.lowercasedText,
            email: owner.email,
            vehicles: vehicles.map {
                VehicleSummary(id: $0.id.lowercasedText, make: $0.make, model: $0.model, year: $0.year, vin: $0.vin)
            }
        )
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a live-mode owner (bcrypt password) with vehicles.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Login email.") var email: String
        @Option(help: "Login password (at least 8 characters).") var password: String
        @Option(name: .customLong("vehicle"), help: "\"MAKE MODEL YEAR [VIN]\" (repeat for more).") var vehicleSpecs: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            let parts = email.split(separator: "@")
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else {
                throw ValidationError("--email must be an email address.")
            }
            guard password.count >= 8 else { throw ValidationError("--password must have at least 8 characters.") }
            for spec in vehicleSpecs {
                if case .failure(let error) = VehicleSpec.parse(spec) { throw ValidationError("--vehicle: \(error)") }
            }
        }

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.owners"))
            let owner = Owner(id: UUID(), email: email, passwordHash: Bcrypt.hash(password, cost: 12), mode: .live)
            let vehicles = vehicleSpecs.map { spec in
                let parsed = try! VehicleSpec.parse(spec).get()  // checked in validate()
                return Vehicle(
                    id: UUID(),
                    ownerID: owner.id,
                    make: parsed.make,
                    model: parsed.model,
                    year: parsed.year,
                    // Without a VIN, one that decodes to the model's powertrain when the simulator's
                    // catalogue knows the model.
                    vin: parsed.vin ?? TestOwners.vin(make: parsed.make, model: parsed.model) ?? VehicleSpec.randomVIN()
                )
            }
            do {
                try await store.insertOwner(owner, vehicles: vehicles)
            } catch let error as DuplicateOwnerError {
                throw CommandFailure(error.description)
            }
            let summary = OwnersCommand.summary(owner, vehicles)
            if json { return try Output.json(summary) }
            Output.line("Added owner \(summary.email) (user id \(summary.id)) with \(vehicles.count) vehicle(s).")
            for vehicle in summary.vehicles { Output.line("  \(vehicle.id)  \(vehicle.make) \(vehicle.model) \(vehicle.year)  VIN \(vehicle.vin)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List live-mode owners and their vehicles.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.owners"))
            var summaries = [OwnerSummary]()
            for owner in try await store.owners(mode: .live) {
                summaries.append(OwnersCommand.summary(owner, try await store.vehicles(ownerID: owner.id)))
            }
            if json { return try Output.json(summaries) }
            if summaries.isEmpty { Output.line("No owners. Add one with: keyfob owners add --email E --password P --vehicle \"MAKE MODEL YEAR\"") }
            for owner in summaries {
                Output.line("\(owner.id)  \(owner.email)  \(owner.vehicles.count) vehicle(s)")
                for vehicle in owner.vehicles { Output.line("  \(vehicle.id)  \(vehicle.make) \(vehicle.model) \(vehicle.year)  VIN \(vehicle.vin)") }
            }
        }
    }
}
