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

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Interface to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 8080
    @Option(name: .customLong("base-url"), help: "Public origin clients use, e.g. https://auth.example.com (default http://HOST:PORT).")
    var baseURL: String?
    @Flag(name: .customLong("no-demo-app"), help: "Do not register the Demo App on a fresh database.") var noDemoApp = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel: Logger.Level = .info
    @Option(
        name: .customLong("idle-timeout"),
        help: "How long a connection may take to send a request head, or sit idle between requests."
    )
    var idleTimeout: TimeSpan = TimeSpan(argument: "15s")!
    @Option(name: .customLong("body-timeout"), help: "How long a request body may take to arrive, from its head.")
    var bodyTimeout: TimeSpan = TimeSpan(argument: "15s")!
    @Option(
        name: .customLong("vehicle-api"),
        help: "on: serve vehicle data and commands from the simulator; off: your own API serves them (those paths answer 404)."
    )
    var vehicleAPI: Switch = .on

    @Option(
        name: .customLong("connect-modes"),
        parsing: .upToNextOption,
        help: "Connect modes to serve: live, test, simulated (default all three; production: live)."
    )
    var connectModes: [ConnectMode] = ConnectMode.allCases

    @Option(
        name: .customLong("log-format"),
        help: "text, or json: one object a line (timestamp, level, message, request_id, route, status, duration_ms)."
    )
    var logFormat: Output.LogFormat = .text
    @Option(
        name: .customLong("trusted-proxy"),
        help: "The address of a reverse proxy whose X-Forwarded-For is believed (repeat for more); the limits then count clients' addresses."
    )
    var trustedProxies: [String] = []
    @Option(name: .customLong("api-calls-per-token"), help: "Calls one access token may make to /v2.0 in a minute, per instance, before 429.")
    var apiCallsPerToken = 300
    @Option(name: .customLong("metrics-port"), help: "Serve /metrics on this port of its own instead of the main one.")
    var metricsPort: Int?
    @Option(name: .customLong("metrics-host"), help: "The interface of --metrics-port.")
    var metricsHost = "127.0.0.1"
    @Option(
        name: .customLong("client-auth-failures"),
        help: "Failed client authentications one address may make for one app in 5 minutes before 429 (ten times as many over all apps)."
    )
    var clientAuthFailures = 20

    /// `on` or `off`.
    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    /// Where the Demo App's flow lands: a page Keyfob serves itself (`DemoCallbackController`).
    static let demoCallbackPath = "/demo/callback"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        if let metricsPort, !(1...65535).contains(metricsPort) || metricsPort == port {
            throw ValidationError("--metrics-port must be from 1 to 65535 and not --port.")
        }
        guard (1...1_000_000).contains(apiCallsPerToken) else { throw ValidationError("--api-calls-per-token must be from 1 to 1000000.") }
        guard (1...100_000).contains(clientAuthFailures) else { throw ValidationError("--client-auth-failures must be from 1 to 100000.") }
        for (name, span) in [("--idle-timeout", idleTimeout), ("--body-timeout", bodyTimeout)] where !(0.1...3600).contains(span.seconds) {
            throw ValidationError("\(name) must be between 100ms (0.1s) and 1h.")
        }
        if let baseURL,
            RedirectURI.problem(with: baseURL, allowPlainHTTP: true) != nil || !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://"))
        {
            throw ValidationError("--base-url must be an http(s) URL.")
        }
    }

    func run() async throws {
        Output.bootstrapLogging(level: logLevel, format: logFormat)
        let logger = Logger(label: "keyfob")
        // Before the store opens: a metric made before swift-metrics is set up reports nowhere.
        KeyfobMetrics.bootstrapIfNeeded()
        let store = try await database.openStore(logger: logger)

        var configuration = KeyfobConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.baseURL = baseURL
        configuration.vehicleAPI = vehicleAPI == .on
        configuration.connectModes = Set(connectModes)
        configuration.metricsOnMainListener = metricsPort == nil
        configuration.apiCallsPerToken = apiCallsPerToken
        configuration.trustedProxies = Set(trustedProxies)
        configuration.clientAuthLimits.perClientAndAddress = clientAuthFailures
        configuration.clientAuthLimits.perAddress = clientAuthFailures * 10
        configuration.connectionTimeouts = ConnectionTimeouts(
            idle: .milliseconds(Int(idleTimeout.seconds * 1000)),
            body: .milliseconds(Int(bodyTimeout.seconds * 1000))
        )

        for warning in configuration.developmentWarnings { logger.warning("Development setting: \(warning)") }

        let registersDemoApp = !noDemoApp
        let settings = configuration
        let application = try await buildApplication(configuration: configuration, store: store, logger: logger) { port in
            logger.info("Keyfob listening on \(host):\(port) (database \(database.displayName))")
            // Only once the port is bound: a start that cannot listen registers nothing and prints
            // no secret for a server that is not there.
            var bound = settings
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
            if let metricsPort {
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
