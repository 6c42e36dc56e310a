import Hummingbird
import HummingbirdCore
import KeyfobConnect
import KeyfobCore
import KeyfobVehicles
import Logging
import ServiceLifecycle

/// Builds the Keyfob HTTP application over a store, ready to run or to embed in a service group.
///
/// - Parameters:
///   - configuration: where to listen and the policies in effect.
///   - store: the backend (SQLite, PostgreSQL); migrations have run.
///   - logger: the server's logger. Tokens, codes and secrets are never logged.
///   - onServerRunning: called with the bound port once the server listens (port 0 picks one).
public func buildApplication(
    configuration: KeyfobConfiguration,
    store: any Store,
    logger: Logger = Logger(label: "keyfob"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    // The access log is written at debug level only; below it, its middleware is not added at all.
    let (router, origin) = try await buildRouter(configuration: configuration, store: store, accessLog: logger.logLevel <= .debug)
    var services: [any Service] = []
    if let interval = configuration.cleanupInterval {
        services.append(ExpiredRowsCleaner(store: store, clock: configuration.clock, interval: interval, logger: logger))
    }
    return Application(
        responder: RequestIDResponder(inner: router.buildResponder()),
        server: HTTPServerBuilder { responder in
            KeyfobHTTP1Channel(responder: responder, timeouts: configuration.connectionTimeouts)
        },
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            origin.listening(host: configuration.host, port: port)
            await onServerRunning(port)
        },
        logger: logger
    )
}

/// Every route the router registers, as `METHOD /path` with `{name}` for a capture: the test that
/// holds docs/openapi.yaml to the routes served compares the two.
package func registeredRoutes(configuration: KeyfobConfiguration, store: any Store) async throws -> [String] {
    try await buildRouter(configuration: configuration, store: store).router.routes.map { route in
        // A capture prints as `{name}`, as OpenAPI spells it.
        "\(route.method) /" + route.path.components.map(\.description).joined(separator: "/")
    }
}

/// Every route Keyfob serves, with its middleware, for `buildApplication`.
func buildRouter(
    configuration: KeyfobConfiguration,
    store: any Store,
    accessLog: Bool = false
) async throws -> (router: Router<KeyfobRequestContext>, origin: ServerOrigin) {
    if configuration.metrics { KeyfobMetrics.bootstrapIfNeeded() }
    let rotationKey = RotationKey(bytes: try await store.rotationKey())
    let origin = ServerOrigin(configuration: configuration)
    let jwtAccessTokens = try await configuration.jwtAccessTokens(store: store, origin: origin)
    let tokenEndpoint = try TokenEndpoint(
        applications: store,
        grants: configuration.grants(store),
        rotationKey: rotationKey,
        clock: configuration.clock,
        random: configuration.random,
        policy: configuration.policy,
        jwtAccessTokens: jwtAccessTokens
    )

    let router = Router(context: KeyfobRequestContext.self)
    // Requests by route template and status, and their latency.
    router.add(middleware: RequestMetricsMiddleware())
    if accessLog { router.add(middleware: RequestLogMiddleware()) }
    if configuration.metrics && configuration.metricsOnMainListener { MetricsController().addRoutes(to: router) }
    let limits = configuration.clientAuthLimits
    let clientAuthThrottle = ClientAuthThrottle(
        store: store,
        clock: configuration.clock,
        perClientAndAddress: .init(failures: limits.perClientAndAddress, window: limits.window),
        perAddress: .init(failures: limits.perAddress, window: limits.window)
    )
    let dpop = DPoPGate(
        checker: DPoPChecker(
            replays: store,
            clock: configuration.clock,
            nonces: configuration.dpopNonces ? DPoPNonces(deploymentKey: try await store.rotationKey()) : nil
        ),
        origin: origin
    )
    TokenController(
        endpoint: tokenEndpoint,
        dpop: dpop,
        throttle: clientAuthThrottle,
        addresses: ClientAddress(trustedProxies: configuration.trustedProxies),
        maxBodySize: configuration.maxTokenBodySize,
        admission: TokenAdmission(limit: configuration.maxConcurrentTokenRequests)
    ).addRoutes(to: router)
    TokenManagementController(
        management: TokenManagement(
            applications: store,
            tokens: store,
            resourceServers: store,
            clock: configuration.clock,
            policy: configuration.policy,
            reader: jwtAccessTokens
        ),
        maxBodySize: configuration.maxTokenBodySize
    ).addRoutes(to: router)
    let bearer = BearerAuthenticator(store: store, clock: configuration.clock, dpop: dpop.checker, tokens: jwtAccessTokens)
    let simulator = configuration.vehicleAPI ? VehicleSimulator(store: store, clock: configuration.clock) : nil
    let vehicleAPI = VehicleAPI(owners: store, grants: store, simulator: simulator)
    let bearerCall = BearerCall(
        bearer: bearer,
        limiter: APIRateLimiter(limit: configuration.apiCallsPerToken, window: 60, clock: configuration.clock),
        origin: origin
    )
    VehicleAPIController(call: bearerCall, api: vehicleAPI).addRoutes(to: router)
    ManagementController(
        management: ConnectionManagement(store: store, cursors: ConnectionCursor(keyBytes: try await store.rotationKey()))
    ).addRoutes(to: router)
    if configuration.vehicleAPI {
        VehicleDataController(call: bearerCall, api: vehicleAPI).addRoutes(to: router)
        CompatibilityController(authenticator: ClientAuthenticator(applications: store, clock: configuration.clock)).addRoutes(to: router)
    }
    let backChannel = BackChannelRequest(
        tokens: tokenEndpoint,
        throttle: clientAuthThrottle,
        addresses: ClientAddress(trustedProxies: configuration.trustedProxies),
        maxBodySize: configuration.maxTokenBodySize
    )
    if tokenEndpoint.grantTypes.contains(GrantType.deviceCode) {
        DeviceAuthorizationController(
            endpoint: DeviceAuthorizationEndpoint(
                store: store,
                clock: configuration.clock,
                random: configuration.random,
                modes: configuration.connectModes
            ),
            backChannel: backChannel,
            origin: origin
        ).addRoutes(to: router)
    }
    PushedAuthorizationController(
        endpoint: PushedAuthorizationEndpoint(
            store: store,
            clock: configuration.clock,
            random: configuration.random,
            modes: configuration.connectModes
        ),
        backChannel: backChannel
    ).addRoutes(to: router)
    let flow = ConnectFlow(
        store: store,
        clock: configuration.clock,
        random: configuration.random,
        policy: configuration.policy,
        passwords: BcryptPasswordVerifier(maxInFlight: configuration.maxPendingLogins),
        modes: configuration.connectModes
    )
    let pages = try await ConnectPages.load()
    DemoCallbackController(pages: pages, origin: origin).addRoutes(to: router)
    ConnectController(
        flow: flow,
        pages: pages,
        secureCookies: configuration.effectiveBaseURL.lowercased().hasPrefix("https://"),
        addresses: ClientAddress(trustedProxies: configuration.trustedProxies)
    ).addRoutes(to: router)
    MetadataController(origin: origin, grantTypes: tokenEndpoint.grantTypes).addRoutes(to: router)
    JWKSController(ring: jwtAccessTokens.ring).addRoutes(to: router)
    HealthController(store: store).addRoutes(to: router)
    try OpenAPIController.load().addRoutes(to: router)

    return (router, origin)
}
