import ArgumentParser
import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import Logging

/// `keyfob dev …`: admin tools for development and benchmarks. They write straight through the
/// store, so they need the database, like every CLI command; nothing here is reachable over HTTP.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Development and benchmark tools (admin only).",
        subcommands: [MintCodes.self]
    )

    struct MintCodes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mint-codes",
            abstract: "Write N valid authorization codes for an app, one per line on stdout.",
            discussion: """
                The codes belong to a test-mode owner (mint@keyfob.dev) with one vehicle, are bound to \
                --redirect-uri as if the authorize request had sent it, and expire like any code \
                (10 minutes): mint right before use. They are written \(MintCodes.batchSize) at a time, each batch \
                under a grant of its own, so no one write outlasts the store's call deadline.
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The client id.") var app: String
        @Option(help: "How many codes.") var count: Int
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI registered for the app.") var redirectURI: String

        static let ownerEmail = "mint@keyfob.dev"
        /// Codes per write: 5,000 take a few hundredths of a second on SQLite here, far inside the
        /// 5 s deadline of one store call even on a busy host or a debug build, where 400,000 in
        /// one write overran it on a slow host (and 20,000 in a debug build beside the parallel
        /// test suite). A commit per 5,000 codes costs the minting nothing that shows.
        static let batchSize = 5_000

        func validate() throws {
            guard (1...5_000_000).contains(count) else { throw ValidationError("--count must be from 1 to 5000000.") }
        }

        func run() async throws {
            Output.bootstrapLogging(level: .warning)
            let store = try await database.openStore(logger: Logger(label: "keyfob.dev"))
            guard let appID = UUID(text: app), let application = try await store.application(id: appID) else {
                throw CommandFailure("No application with id \(app).")
            }
            guard application.redirectURIs.contains(redirectURI) else {
                throw CommandFailure("\(redirectURI) is not a registered redirect URI of \(app).")
            }
            let owner = try await mintOwner(store)
            let vehicles = try await store.vehicles(of: owner)
            let issuer = CodeIssuer(store: store)
            let binding = CodeIssuer.Binding(redirectURI: redirectURI, redirectURIWasSent: true)
            let vehicleIDs = vehicles.map(\.id)
            var codes: [String] = []
            codes.reserveCapacity(count)
            for start in stride(from: 0, to: count, by: Self.batchSize) {
                let grant = Consent(
                    id: UUID(),
                    applicationID: appID,
                    ownerID: owner.id,
                    permissions: application.permissions,
                    vehicleIDs: vehicleIDs,
                    createdAt: Date()
                )
                codes += try await issuer.issue(grant, binding: binding, count: min(Self.batchSize, count - start))
            }
            var text = codes.joined(separator: "\n")
            text.append("\n")
            FileHandle.standardOutput.write(Data(text.utf8))
        }

        private func mintOwner(_ store: any Store) async throws -> Owner {
            if let owner = try await store.owner(email: Self.ownerEmail, mode: .test) { return owner }
            // A test owner like any Connect login: its vehicles are derived, never stored.
            let owner = TestOwners.owner(email: Self.ownerEmail, mode: .test)
            do {
                try await store.insertOwner(owner, vehicles: [])
                return owner
            } catch is DuplicateOwnerError {
                // Another mint-codes run made it a moment ago.
                return try await store.owner(email: Self.ownerEmail, mode: .test)!
            }
        }
    }
}
