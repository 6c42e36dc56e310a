import ArgumentParser
import Foundation
import Hummingbird
import KeyfobCore
import KeyfobServer
import Logging

/// `keyfob serve` (the default): runs the server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Keyfob server (the default).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Interface to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 8080
    @Option(name: .customLong("base-url"), help: "Public origin clients use, e.g. https://auth.example.com (default http://HOST:PORT).")
    var baseURL: String?
    @Flag(name: .customLong("no-demo-app"), help: "Do not register the Demo App on a fresh database.") var noDemoApp = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info
    @Option(
        name: .customLong("idle-timeout"),
        help: "How long a connection may take to send a request head, or sit idle between requests (default 15s)."
    )
    var idleTimeout: TimeSpan = TimeSpan(argument: "15s")!
    @Option(name: .customLong("body-timeout"), help: "How long a request body may take to arrive, from its head (default 15s).")
    var bodyTimeout: TimeSpan = TimeSpan(argument: "15s")!
    @Option(
        name: .customLong("vehicle-api"),
        help: "on: serve vehicle data and commands from the simulator; off: your own API serves them (those paths answer 404)."
    )
    var vehicleAPI: Switch = .on

    /// `on` or `off`.
    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    static let demoRedirectURI = "http://localhost:8000/callback"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        for (name, span) in [("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout)] where !(0.1...3600).contains(span.seconds) {
            throw ValidationError("\(name) must be between 100ms (0.1s) and 1h.")
        }
        if let baseURL, RedirectURI.problem(with: baseURL) != nil || !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must be an http(s) URL.")
        }
    }

    func run() async throws {
        Output.bootstrapLogging(level: logLevel)
        let logger = Logger(label: "keyfob")
        let store = try await database.openStore(logger: logger)

        var configuration = KeyfobConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.baseURL = baseURL
        configuration.vehicleAPI = vehicleAPI == .on
        configuration.connectionTimeouts = ConnectionTimeouts(
            idle: .milliseconds(Int(idleTimeout.seconds * 1000)),
            body: .milliseconds(Int(bodyTimeout.seconds * 1000))
        )

        if !noDemoApp, try await store.applications().isEmpty {
            try await registerDemoApp(store, base: configuration.effectiveBaseURL)
            logger.warning("Development setting: a Demo App was registered on this fresh database (--no-demo-app turns this off).")
        }
        for warning in configuration.developmentWarnings { logger.warning("Development setting: \(warning)") }

        let application = try await buildApplication(configuration: configuration, store: store, logger: logger) { port in
            logger.info("Keyfob listening on \(host):\(port) (database \(database.displayName))")
        }
        try await application.runService()
    }

    /// Registers the Demo App and prints its credentials once, with a ready Connect URL.
    private func registerDemoApp(_ store: any Store, base: String) async throws {
        let registered = try await ApplicationRegistrar(store: store).register(
            name: "Demo App",
            redirectURIs: [Self.demoRedirectURI],
            permissions: nil,
            isPublic: false
        )
        let clientID = registered.application.id.lowercasedText
        var connect = URLComponents(string: base + "/oauth/authorize")!
        connect.queryItems = [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: clientID),
            .init(name: "redirect_uri", value: Self.demoRedirectURI),
            .init(name: "scope", value: "read_vehicle_info read_odometer"), .init(name: "mode", value: "test"),
            .init(name: "state", value: "demo"),
        ]
        Output.line(
            """
            Fresh database: registered "Demo App". These credentials are shown once.
              client_id:     \(clientID)
              client_secret: \(registered.secret ?? "")
              redirect_uri:  \(Self.demoRedirectURI)
              Connect URL:   \(connect.url?.absoluteString ?? "")
            """
        )
    }
}
