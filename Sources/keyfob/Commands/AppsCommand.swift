import ArgumentParser
import Foundation
import KeyfobCore
import Logging

/// `keyfob apps …`: register and manage applications.
struct AppsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apps",
        abstract: "Register and manage applications (OAuth clients).",
        subcommands: [Create.self, List.self, Show.self, RotateSecret.self, RotateAMT.self, Delete.self]
    )

    /// What the CLI shows of an application; never a secret digest.
    struct Summary: Encodable {
        let client_id: String
        let name: String
        let `public`: Bool
        let redirect_uris: [String]
        let permissions: [String]
        let grant_types: [String]
        /// RFC 7591's name for the setting (RFC 9126 §6).
        let require_pushed_authorization_requests: Bool
        /// RFC 9449 §5.2's name for the setting.
        let dpop_bound_access_tokens: Bool
        /// `opaque` or `jwt` (RFC 9068).
        let access_token_format: String
        let created_at: String
        var client_secret: String?
        /// The application management token (docs/contract.md §8), shown once at creation.
        var management_token: String?

        init(_ application: ClientApplication, secret: String? = nil, managementToken: String? = nil) {
            client_id = application.id.lowercasedText
            name = application.name
            self.public = application.isPublic
            redirect_uris = application.redirectURIs
            permissions = application.permissions
            grant_types = application.allowedGrantTypes
            require_pushed_authorization_requests = application.requiresPushedAuthorizationRequests
            dpop_bound_access_tokens = application.requiresDPoP
            access_token_format = application.accessTokenFormat.rawValue
            created_at = ISO8601DateFormatter().string(from: application.createdAt)
            client_secret = secret
            management_token = managementToken
        }

        var text: String {
            var lines = [
                "Client ID:      \(client_id)", "Name:           \(name)",
                "Type:           \(self.public ? "public (PKCE, no secret)" : "confidential")",
                "Redirect URIs:  \(redirect_uris.joined(separator: " "))", "Permissions:    \(permissions.joined(separator: " "))",
                "Grant types:    \(grant_types.joined(separator: " "))",
                "Pushed (PAR):   \(require_pushed_authorization_requests ? "required (POST /oauth/par first)" : "optional")",
                "DPoP:           \(dpop_bound_access_tokens ? "required (every token is bound to the client's key)" : "optional")",
                "Access tokens:  \(access_token_format == "jwt" ? "jwt (signed; /.well-known/jwks.json verifies them)" : "opaque")",
                "Created:        \(created_at)",
            ]
            if let client_secret { lines.insert("Client secret:  \(client_secret)   (shown once: store it now)", at: 1) }
            if let management_token {
                lines.insert("Management token (AMT): \(management_token)   (shown once: for the Management API)", at: client_secret == nil ? 1 : 2)
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an application and print its credentials once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Name shown to vehicle owners.") var name: String
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeat for more; the first is the default).")
        var redirectURIs: [String] = []
        @Option(help: "Space-separated permissions the app may ask for (default: all).") var permissions: String?
        @Flag(name: .customLong("public"), help: "A public client (mobile/SPA): no secret, PKCE required.") var isPublic = false
        @Option(
            name: .customLong("grant-types"),
            help: """
                Comma-separated grant types the app may use: authorization_code, refresh_token, client_credentials, \
                device_code (default: the first three; the device grant is opt-in).
                """
        )
        var grantTypes: String?
        @Flag(
            name: .customLong("require-par"),
            help: "Refuse authorize links whose parameters were not pushed to /oauth/par first (RFC 9126)."
        )
        var requirePAR = false
        @Flag(
            name: .customLong("require-dpop"),
            help: "Refuse token requests without a DPoP proof, so every access token is bound to the app's key (RFC 9449)."
        )
        var requireDPoP = false
        @Option(
            name: .customLong("access-token-format"),
            help: "opaque (default: what the Smartcar SDKs expect) or jwt: signed tokens a resource server can check offline (RFC 9068)."
        )
        var accessTokenFormat: AccessTokenFormat = .opaque
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            if accessTokenFormat == .jwt, try await store.signingKeys().isEmpty {
                throw CommandFailure("JWT access tokens need a signing key: run keyfob keys rotate --key-encryption-key-file FILE first.")
            }
            let registered: ApplicationRegistrar.Registered
            do {
                registered = try await ApplicationRegistrar(store: store).register(
                    name: name,
                    redirectURIs: redirectURIs,
                    permissions: permissions.map(Permission.parseScope),
                    isPublic: isPublic,
                    grantTypes: grantTypes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                    requiresPushedAuthorizationRequests: requirePAR,
                    requiresDPoP: requireDPoP,
                    accessTokenFormat: accessTokenFormat
                )
            } catch let error as ApplicationRegistrar.InvalidRegistration {
                throw CommandFailure(error.description)
            }
            let managementToken = try await ManagementToken.issue(for: registered.application.id, in: store, random: SystemRandomSource())
            let summary = Summary(registered.application, secret: registered.secret, managementToken: managementToken)
            if json { try Output.json(summary) } else { Output.line(summary.text) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applications.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            let summaries = try await store.applications().map { Summary($0) }
            if json { return try Output.json(summaries) }
            if summaries.isEmpty { Output.line("No applications. Register one with: keyfob apps create --name N --redirect-uri U") }
            for summary in summaries { Output.line("\(summary.client_id)  \(summary.name)  \(summary.redirect_uris.first ?? "")") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one application.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The client id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            guard let uuid = UUID(text: id), let application = try await store.application(id: uuid) else {
                throw CommandFailure("No application with id \(id).")
            }
            let summary = Summary(application)
            if json { try Output.json(summary) } else { Output.line(summary.text) }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give an application a new secret; print it once."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The client id.") var id: String
        @Option(help: "How long the old secret keeps working: 90s, 30m, 1h, 2d (default 0: it stops at once).")
        var overlap: TimeSpan = TimeSpan(argument: "0")!
        @Flag(help: "Print JSON.") var json = false

        struct Rotated: Encodable {
            let client_id: String
            let client_secret: String
            let previous_secret_valid_for_seconds: Int
        }

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            guard let uuid = UUID(text: id),
                let secret = try await ApplicationRegistrar(store: store).rotateSecret(of: uuid, overlap: overlap.seconds)
            else { throw CommandFailure("No confidential application with id \(id).") }
            let rotated = Rotated(client_id: uuid.lowercasedText, client_secret: secret, previous_secret_valid_for_seconds: Int(overlap.seconds))
            if json { return try Output.json(rotated) }
            Output.line("New client secret: \(secret)   (shown once: store it now)")
            Output.line(
                overlap.seconds > 0 ? "The previous secret keeps working for \(Int(overlap.seconds)) s." : "The previous secret no longer works."
            )
        }
    }

    struct RotateAMT: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-amt",
            abstract: "Give an application a new management token (AMT) for the Management API; the old one stops at once. Printed once."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The client id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        struct Rotated: Encodable {
            let client_id: String
            let management_token: String
        }

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            guard let uuid = UUID(text: id), let token = try await ManagementToken.issue(for: uuid, in: store, random: SystemRandomSource())
            else { throw CommandFailure("No application with id \(id).") }
            if json { return try Output.json(Rotated(client_id: uuid.lowercasedText, management_token: token)) }
            Output.line("New management token (AMT): \(token)   (shown once: store it now; the previous one no longer works)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an application; its tokens stop working at once.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The client id.") var id: String

        func run() async throws {
            Output.bootstrapLogging(level: .info)
            let store = try await database.openStore(logger: Logger(label: "keyfob.apps"))
            guard let uuid = UUID(text: id), try await store.deleteApplication(id: uuid) else {
                throw CommandFailure("No application with id \(id).")
            }
            Output.line("Deleted application \(uuid.lowercasedText).")
        }
    }
}

extension AccessTokenFormat: ExpressibleByArgument {}
