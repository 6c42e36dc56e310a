import Foundation
import KeyfobConnect
import KeyfobCore

/// How a Keyfob server runs. The defaults are the contract's and are safe; each development-only
/// choice is reported by `developmentWarnings`.
public struct KeyfobConfiguration: Sendable {
    /// Interface to bind.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests).
    public var port: Int = 8080
    /// The public origin clients use (issuer in discovery, links in pages). Defaults to
    /// `http://host:port`.
    public var baseURL: String?
    /// Lifetimes of codes and tokens.
    public var policy = TokenPolicy()
    /// The token endpoint's grants, one per `grant_type` (a second one for a type is an error at
    /// start-up), made over the server's store so each takes the records it needs. Add a
    /// `TokenGrant` here to serve a new grant type.
    public var grants: @Sendable (any Store) -> [any TokenGrant] = { TokenEndpoint.standardGrants(tokens: $0) }
    /// How long a client may take to send a request, and sit idle between requests.
    public var connectionTimeouts = ConnectionTimeouts()
    /// The largest token-request body accepted.
    public var maxTokenBodySize = 16 * 1024
    /// Proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`): behind them the limits
    /// count the client's address rather than the proxy's. Empty: the header is ignored.
    public var trustedProxies: Set<String> = []
    /// Calls one access token may make to `/v2.0` in a minute, on each instance; past it 429
    /// `RATE_LIMIT` with `Retry-After`.
    public var apiCallsPerToken = 300
    /// Whether DPoP proofs must carry a server nonce (RFC 9449 §8), handed out in `DPoP-Nonce`.
    public var dpopNonces = false
    /// Opens the stored signing keys of JWT access tokens; nil when none are used. Start-up
    /// fails when keys are stored and this cannot open them.
    public var keyEncryptionKey: KeyEncryptionKey?
    /// The `aud` of JWT access tokens; nil for the server's own API, `<base URL>/v2.0`.
    public var jwtAudience: String?
    /// The most live-login password checks (bcrypt) that may run or wait at once; one more is
    /// answered 503 at once.
    public var maxPendingLogins = 32
    /// The most token requests worked on at once; one more is answered 503 with `Retry-After` at
    /// once (`nil`: no bound). BENCHMARKS.md shows how it was chosen.
    public var maxConcurrentTokenRequests: Int? = 128
    /// Whether Keyfob reports swift-metrics into its own Prometheus registry and serves it at
    /// `GET /metrics` (docs/contract.md §9). Off when the embedding process bootstraps
    /// swift-metrics itself (it can be bootstrapped once per process).
    public var metrics = true
    /// `/metrics` on the main listener. False when `keyfob serve --metrics-port` serves it on a
    /// listener of its own.
    public var metricsOnMainListener = true
    /// How many failed client authentications the token endpoint takes before it answers 429:
    /// per client id and source address, and per address over every client, in a window.
    public var clientAuthLimits = ClientAuthLimits()
    /// The Connect modes served (`--connect-modes`). Test and simulated logins accept any email
    /// and password, so a production server serves `live` only; a request for another mode is
    /// refused with `invalid_request`.
    public var connectModes: Set<ConnectMode> = Set(ConnectMode.allCases)
    /// Whether Keyfob serves the vehicle data and commands from its simulator (docs/contract.md
    /// §7). Off (`--vehicle-api off`) for teams that serve vehicle data themselves: those paths
    /// then answer 404 `PATH`; the user, vehicle list, attributes and permissions calls stay.
    public var vehicleAPI = true
    /// How often `serve` deletes expired rows; nil turns the task off.
    public var cleanupInterval: Duration? = .seconds(600)
    /// The clock; tests inject a manual one.
    public var clock: any WallClock = SystemWallClock()
    /// The randomness source.
    public var random: any RandomSource = SystemRandomSource()

    /// The defaults.
    public init() {}

    /// The base URL in effect, without a trailing slash.
    public var effectiveBaseURL: String {
        // A wildcard address is where to listen, not where to connect: links use loopback, and
        // `developmentWarnings` says that other machines need --base-url.
        let reachable = isWildcardHost ? (host.contains(":") ? "::1" : "127.0.0.1") : host
        let base = baseURL ?? "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// Whether `host` means every interface (`0.0.0.0`, `::`).
    var isWildcardHost: Bool { ["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"].contains(host) }

    /// A warning for every development-only setting in effect.
    public var developmentWarnings: [String] {
        var warnings = [String]()
        if connectModes.contains(.test) || connectModes.contains(.simulated) {
            warnings.append(
                "Connect serves mode=test and mode=simulated, where any email and password log in. Pass --connect-modes live in production."
            )
        }
        if baseURL == nil && isWildcardHost {
            warnings.append(
                "Listening on every interface (\(host)) without --base-url: links and metadata name \(effectiveBaseURL), which other "
                    + "machines cannot reach. Pass --base-url with the address clients use."
            )
        }
        if effectiveBaseURL.lowercased().hasPrefix("http://") {
            warnings.append(
                "The base URL \(effectiveBaseURL) is plain HTTP: tokens and secrets cross the network unencrypted. "
                    + "Put Keyfob behind TLS and pass --base-url https://… in production."
            )
        }
        return warnings
    }
}

/// The token endpoint's allowance of failed client authentication (RFC 6749 §2.3.1).
public struct ClientAuthLimits: Sendable {
    /// Failures one address may make for one client id in `window`.
    public var perClientAndAddress = 20
    /// Failures one address may make over every client id in `window`.
    public var perAddress = 200
    /// The window, seconds.
    public var window: TimeInterval = 300

    /// 20 per client id and address, 200 per address, in 5 minutes.
    public init() {}
}
