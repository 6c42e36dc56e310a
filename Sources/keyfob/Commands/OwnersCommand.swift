import ArgumentParser
import Foundation
import HummingbirdBcrypt
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import Logging

/// `keyfob owners …`: live-mode vehicle owners and their vehicles.
struct OwnersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "owners",
        abstract: "Manage live-mode vehicle owners.",
        subcommands: [Add.self, List.self, ResetPassword.self, Delete.self]
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
        @OptionGroup var password: PasswordInput
        @Option(name: .customLong("vehicle"), help: "\"MAKE MODEL YEAR [VIN]\" (repeat for more).") var vehicleSpecs: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            let parts = email.split(separator: "@")
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else {
                throw ValidationError("--email must be an email address.")
            }
            for spec in vehicleSpecs {
                if case .failure(let error) = VehicleSpec.parse(spec) { throw ValidationError("--vehicle: \(error)") }
            }
        }

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.owners"))
            let owner = Owner(id: UUID(), email: email, passwordHash: try password.hash(for: email), mode: .live)
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

    /// Where a password comes from: `--password`, one line on standard input, or a prompt.
    struct PasswordInput: ParsableArguments {
        @Option(help: "Login password (at least 8 characters; omit it to be asked, which keeps it out of the shell's history).")
        var password: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
        var passwordStdin = false

        func validate() throws {
            if password != nil && passwordStdin { throw ValidationError("Give --password or --password-stdin, not both.") }
        }

        /// The password checked against the policy, then bcrypt-hashed.
        func hash(for email: String) throws -> String {
            let text: String
            if let password {
                text = password
            } else if passwordStdin {
                text = readLine(strippingNewline: true) ?? ""
            } else if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(email): ") {
                text = String(cString: typed)
            } else {
                throw CommandFailure("No password: pass --password, --password-stdin, or run in a terminal to be asked.")
            }
            if let problem = PasswordPolicy.problem(with: text, email: email) { throw CommandFailure("Password refused: \(problem).") }
            return Bcrypt.hash(text, cost: 12)
        }
    }

    /// The live owner with this email.
    static func liveOwner(_ email: String, _ store: any Store) async throws -> Owner {
        guard let owner = try await store.owner(email: email, mode: .live) else {
            throw CommandFailure("No live owner with email \(email). `keyfob owners list` shows them.")
        }
        return owner
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a live owner's password.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The owner's email.") var email: String
        @OptionGroup var password: PasswordInput

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.owners"))
            let owner = try await OwnersCommand.liveOwner(email, store)
            guard try await store.replacePasswordHash(ownerID: owner.id, with: try password.hash(for: owner.email)) else {
                throw CommandFailure("No live owner with email \(email).")
            }
            Output.line("Password of \(owner.email) replaced.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a live owner with their vehicles and consents; every token they granted stops working at once."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The owner's email.") var email: String

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.owners"))
            let owner = try await OwnersCommand.liveOwner(email, store)
            guard try await store.deleteOwner(id: owner.id) else { throw CommandFailure("No live owner with email \(email).") }
            Output.line("Deleted \(owner.email) (user id \(owner.id.lowercasedText)), their vehicles and consents; their tokens are revoked.")
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
