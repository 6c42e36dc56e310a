import ArgumentParser
import Foundation
import Hummingbird
import KeyfobConnect
import KeyfobCore
import KeyfobServer
import Logging
import NIOCore
import ServiceLifecycle

/// `keyfob serve` (the default): runs the server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Keyfob server (the default).")

    // Every option is optional: an unset flag falls back to KEYFOB_*, then the config file, then
    // the default `SettingCatalogue` names (ServeSettings).
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var keyEncryption: KeyEncryptionOptions
    @Option(help: "Interface to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 8080).") var port: Int?
    @Option(name: .customLong("base-url"), help: "Public origin clients use, e.g. https://auth.example.com (default http://HOST:PORT).")
    var baseURL: String?
    @Flag(name: .customLong("no-demo-app"), help: "Do not register the Demo App on a fresh database.") var noDemoApp = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error, critical.") var logLevel: Logger.Level?
    @Option(
        name: .customLong("idle-timeout"),
        help: "How long a connection may take to send a request head, or sit idle between requests (default 15s)."
    )
    var idleTimeout: TimeSpan?
    @Option(name: .customLong("body-timeout"), help: "How long a request body may take to arrive, from its head (default 15s).")
    var bodyTimeout: TimeSpan?
    @Option(
        name: .customLong("vehicle-api"),
        help: "on (default): serve vehicle data and commands from the simulator; off: your own API serves them (those paths answer 404)."
    )
    var vehicleAPI: Switch?

    @Option(
        name: .customLong("connect-modes"),
        parsing: .upToNextOption,
        help: "Connect modes to serve: live, test, simulated (default all three; production: live)."
    )
    var connectModes: [ConnectMode] = []

    @Option(
        name: .customLong("log-format"),
        help: "text (default), or json: one object a line (timestamp, level, message, request_id, route, status, duration_ms)."
    )
    var logFormat: Output.LogFormat?
    @Option(
        name: .customLong("trusted-proxy"),
        help: "The address of a reverse proxy whose X-Forwarded-For is believed (repeat for more); the limits then count clients' addresses."
    )
    var trustedProxies: [String] = []
    @Option(
        name: .customLong("api-calls-per-token"),
        help: "Calls one access token may make to /v2.0 in a minute, per instance, before 429 (default 300)."
    )
    var apiCallsPerToken: Int?
    @Option(
        name: .customLong("dpop-nonces"),
        help: "on: every DPoP proof must carry a nonce from the server's DPoP-Nonce header (RFC 9449 §8); off (default): none needed."
    )
    var dpopNonces: Switch?
    @Option(name: .customLong("metrics-port"), help: "Serve /metrics on this port of its own instead of the main one.")
    var metricsPort: Int?
    @Option(name: .customLong("metrics-host"), help: "The interface of --metrics-port (default 127.0.0.1).")
    var metricsHost: String?
    @Option(
        name: .customLong("client-auth-failures"),
        help: "Failed client authentications one address may make for one app in 5 minutes before 429 (default 20; ten times as many over all apps)."
    )
    var clientAuthFailures: Int?
    @Option(
        name: .customLong("max-pending-logins"),
        help: "Connect logins that may wait for a password check; more are answered 503 with Retry-After at once (default 32)."
    )
    var maxPendingLogins: Int?
    @Option(
        name: .customLong("max-token-requests"),
        help: "Token requests worked on at once; more are answered 503 with Retry-After at once (default 128; 0: no bound)."
    )
    var maxTokenRequests: Int?
    @Flag(
        name: .customLong("print-config"),
        help: "Print the effective settings (secrets masked) and where each came from, then exit without serving."
    )
    var printConfig = false

    /// `on` or `off`.
    enum Switch: String, ExpressibleByArgument, CaseIterable, Sendable { case on, off }

    /// Where the Demo App's flow lands: a page Keyfob serves itself (`DemoCallbackController`).
    static let demoCallbackPath = "/demo/callback"

    func run() async throws {
        let settings = try ServeSettings(flags: self, sources: try await database.sources())
        if printConfig {
            Output.line(settings.lines.joined(separator: "\n"))
            return
        }
        Output.bootstrapLogging(level: settings.logLevel.value, format: settings.logFormat.value)
        let logger = Logger(label: "keyfob")
        // Before the store opens: a metric made before swift-metrics is set up reports nowhere.
        KeyfobMetrics.bootstrapIfNeeded()
        let store = try await settings.database.openStore(logger: logger)
        var prepared = settings.configuration
        prepared.keyEncryptionKey = try keyEncryption.load()
        let configuration = prepared
        let (host, port) = (settings.host.value, settings.port.value)

        for warning in configuration.developmentWarnings { logger.warning("Development setting: \(warning)") }

        let registersDemoApp = !settings.noDemoApp.value
        let databaseName = settings.database.displayName
        do {
            // The server loads the keys too; this turns a key it cannot open into one line.
            try await SigningKeyRing(store: store, kek: configuration.keyEncryptionKey, clock: configuration.clock, tokenLifetime: 0).load()
        } catch let unusable as SigningKeyRing.Unusable {
            throw CommandFailure("Cannot start: \(unusable.description).")
        }
        let application = try await buildApplication(configuration: configuration, store: store, logger: logger) { port in
            logger.info("Keyfob listening on \(host):\(port) (database \(databaseName))")
            // Only once the port is bound: a start that cannot listen registers nothing and prints
            // no secret for a server that is not there.
            var bound = configuration
            bound.port = port
            do {
                if registersDemoApp, try await store.applications().isEmpty {
                    try await registerDemoApp(store, base: bound.effectiveBaseURL)
                    logger.warning("Development setting: a Demo App was registered on this fresh database (--no-demo-app turns this off).")
                }
            } catch {
                logger.error("Could not register the Demo App: \(error)")
            }
        }
        do {
            if let metricsPort = settings.metricsPort.value {
                let metricsHost = settings.metricsHost.value
                let metrics = buildMetricsApplication(host: metricsHost, port: metricsPort, logger: logger)
                logger.info("Metrics on http://\(metricsHost):\(metricsPort)/metrics")
                try await ServiceGroup(
                    configuration: .init(
                        services: [.init(service: application), .init(service: metrics)],
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger
                    )
                ).run()
            } else {
                try await application.runService()
            }
        } catch let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw CommandFailure(Self.bindFailure(host: host, port: port, errno: error.errnoCode))
        }
    }

    /// One line for a listener that could not be bound, saying what to do.
    static func bindFailure(host: String, port: Int, errno: Int32) -> String {
        let address = "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        switch errno {
        case EADDRINUSE: return "Cannot listen on \(address): another process uses it. Stop it, or pick another port with --port."
        case EACCES: return "Cannot listen on \(address): permission denied (ports below 1024 need privileges). Use --port 8080 or higher."
        default: return "Cannot listen on \(address): no interface has that address. Use --host 127.0.0.1 or an address of this machine."
        }
    }

    /// Registers the Demo App and prints its credentials once, with a ready Connect URL.
    private func registerDemoApp(_ store: any Store, base: String) async throws {
        let registered = try await ApplicationRegistrar(store: store).register(
            name: "Demo App",
            redirectURIs: [base + Self.demoCallbackPath],
            permissions: nil,
            isPublic: false
        )
        let clientID = registered.application.id.lowercasedText
        var connect = URLComponents(string: base + "/oauth/authorize")!
        connect.queryItems = [
            .init(name: "response_type", value: "code"), .init(name: "client_id", value: clientID),
            .init(name: "redirect_uri", value: base + Self.demoCallbackPath),
            .init(name: "scope", value: "read_vehicle_info read_odometer"), .init(name: "mode", value: "test"),
            .init(name: "state", value: "demo"),
        ]
        Output.line(
            """
            Fresh database: registered "Demo App". These credentials are shown once.
              client_id:     \(clientID)
              client_secret: \(registered.secret ?? "")
              redirect_uri:  \(base + Self.demoCallbackPath) (a page on this server that shows the code)
              Connect URL:   \(connect.url?.absoluteString ?? "")
            """
        )
    }
}

extension ConnectMode: ExpressibleByArgument {}
