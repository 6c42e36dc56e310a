import ArgumentParser
import Foundation
import KeyfobCore
import Logging

/// `keyfob resource-servers …`: credentials for APIs that introspect Keyfob's access tokens.
struct ResourceServersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource-servers",
        abstract: "Register the APIs that may introspect any application's access tokens (RFC 7662).",
        subcommands: [Create.self, List.self, Delete.self]
    )

    /// What the CLI shows of a resource server; the secret only once, at creation.
    struct Summary: Encodable {
        let id: String
        let name: String
        let created_at: String
        var secret: String?

        init(_ server: ResourceServer, secret: String? = nil) {
            id = server.id.lowercasedText
            name = server.name
            created_at = ISO8601DateFormatter().string(from: server.createdAt)
            self.secret = secret
        }

        var text: String {
            var lines = ["ID:       \(id)", "Name:     \(name)", "Created:  \(created_at)"]
            if let secret { lines.insert("Secret:   \(secret)   (shown once: store it now)", at: 1) }
            lines.append("Introspect with HTTP Basic id:secret at POST /oauth/introspect.")
            return lines.joined(separator: "\n")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a resource server and print its credentials once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A name for the API.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.resource-servers"))
            let registered: (server: ResourceServer, secret: String)
            do {
                registered = try await ResourceServerRegistrar(store: store).register(name: name)
            } catch let error as ResourceServerRegistrar.InvalidName {
                throw CommandFailure(error.description)
            }
            let summary = Summary(registered.server, secret: registered.secret)
            if json { try Output.json(summary) } else { Output.line(summary.text) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List resource servers.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.resource-servers"))
            let summaries = try await store.resourceServers().map { Summary($0) }
            if json { return try Output.json(summaries) }
            if summaries.isEmpty { Output.line("No resource servers. Register one with: keyfob resource-servers create --name N") }
            for summary in summaries { Output.line("\(summary.id)  \(summary.name)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a resource server; its secret stops working at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The resource server's id.") var id: String

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.resource-servers"))
            guard let uuid = UUID(text: id), try await store.deleteResourceServer(id: uuid) else {
                throw CommandFailure("No resource server with id \(id).")
            }
            Output.line("Deleted resource server \(uuid.lowercasedText).")
        }
    }
}
