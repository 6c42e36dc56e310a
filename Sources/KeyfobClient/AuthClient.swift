import AsyncHTTPClient
import Foundation
import NIOCore

/// The OAuth side of an app's backend: builds Connect URLs and exchanges codes and refresh tokens,
/// against Keyfob or Smartcar itself (the origins decide).
public struct AuthClient: Sendable {
    /// Connect's `mode`.
    public enum Mode: String, Sendable {
        /// Real owners' accounts.
        case live
        /// Any login works and gets stable mock vehicles.
        case test
        /// Like test, for simulated vehicles.
        case simulated
    }

    /// The application's client id.
    public let clientID: String
    /// The application's secret; sent with HTTP Basic, never in a URL.
    public let clientSecret: String
    /// Where Connect sends the owner back; must be registered for the application.
    public let redirectURI: String
    /// Connect's mode for URLs this client builds.
    public let mode: Mode
    /// Where requests go.
    public let origins: Origins
    /// When set, every token request carries a DPoP proof of this key (RFC 9449), the tokens
    /// are bound to it, and `api` proves it on every call.
    public let dpopKey: DPoPKey?
    let http: HTTPExchange

    /// The SDK's version, sent in the User-Agent.
    public static let version = "0.3.0"

    /// Makes a client. `httpClient` defaults to AsyncHTTPClient's shared one; requests time out
    /// after `timeout`.
    public init(
        clientID: String,
        clientSecret: String,
        redirectURI: String,
        mode: Mode = .live,
        origins: Origins = .smartcar,
        httpClient: HTTPClient = .shared,
        timeout: TimeAmount = .seconds(30),
        dpopKey: DPoPKey? = nil
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.mode = mode
        self.origins = origins
        self.dpopKey = dpopKey
        self.http = HTTPExchange(client: httpClient, timeout: timeout, userAgent: "Keyfob-Swift/\(Self.version)")
    }

    /// A client configured like the official SDKs: `SMARTCAR_CLIENT_ID`, `SMARTCAR_CLIENT_SECRET`,
    /// `SMARTCAR_REDIRECT_URI` and the `SMARTCAR_*_ORIGIN` variables. Nil when a credential is missing.
    public static func fromEnvironment(
        mode: Mode = .live,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient = .shared
    ) -> AuthClient? {
        guard let id = environment["SMARTCAR_CLIENT_ID"], let secret = environment["SMARTCAR_CLIENT_SECRET"],
            let redirect = environment["SMARTCAR_REDIRECT_URI"]
        else { return nil }
        return AuthClient(
            clientID: id,
            clientSecret: secret,
            redirectURI: redirect,
            mode: mode,
            origins: .fromEnvironment(environment),
            httpClient: httpClient
        )
    }

    /// The Connect URL to send a vehicle owner to, its parameters in the URL. An application
    /// registered with `--require-par` uses `pushedAuthorizationURL(scope:options:)` instead.
    public func authorizationURL(scope: [String], options: ConnectOptions = ConnectOptions()) -> URL {
        URL(string: origins.authorizeURL + "?" + FormEncoding.encode(authorizeParameters(scope: scope, options: options)))!
    }

    /// The parameters of an authorize request, for the URL or for a push.
    func authorizeParameters(scope: [String], options: ConnectOptions) -> [(String, String)] {
        var query: [(String, String)] = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("approval_prompt", options.forcePrompt ? "force" : "auto"), ("mode", mode.rawValue),
        ]
        if !scope.isEmpty { query.append(("scope", scope.joined(separator: " "))) }
        if let state = options.state { query.append(("state", state)) }
        if let make = options.make { query.append(("make", make)) }
        switch options.singleSelect {
        case .any: query.append(("single_select", "true"))
        case .vin(let vin): query += [("single_select", "true"), ("single_select_vin", vin)]
        case nil: break
        }
        if !options.flags.isEmpty {
            query.append(("flags", options.flags.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")))
        }
        if let user = options.user { query.append(("user", user)) }
        if let challenge = options.codeChallenge { query += [("code_challenge", challenge), ("code_challenge_method", "S256")] }
        return query
    }

    /// Exchanges an authorization code (and its PKCE verifier, if Connect got a challenge).
    public func exchangeCode(_ code: String, codeVerifier: String? = nil) async throws -> Access {
        var form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI)]
        if let codeVerifier { form.append(("code_verifier", codeVerifier)) }
        return try await token(form)
    }

    /// Exchanges a refresh token for a new pair (the old refresh token stops working after a short
    /// grace window).
    public func exchangeRefreshToken(_ refreshToken: String) async throws -> Access {
        try await token([("grant_type", "refresh_token"), ("refresh_token", refreshToken)])
    }

    /// An application token (client credentials), without a refresh token.
    public func applicationToken(scope: [String] = []) async throws -> Access {
        var form = [("grant_type", "client_credentials")]
        if !scope.isEmpty { form.append(("scope", scope.joined(separator: " "))) }
        return try await token(form)
    }

    /// The vehicle API at this client's API origin.
    public var api: VehicleAPIClient { VehicleAPIClient(origin: origins.api, http: http, dpopKey: dpopKey) }

    func token(_ form: [(String, String)]) async throws -> Access {
        var answer = try await post(form, to: origins.tokenURL, proving: dpopKey, nonce: nil)
        if let dpopKey, answer.status == 400, let nonce = answer.requestedDPoPNonce {
            // RFC 9449 §8: once, with the nonce the server asked for.
            answer = try await post(form, to: origins.tokenURL, proving: dpopKey, nonce: nonce)
        }
        guard answer.status == 200 else {
            throw KeyfobClientError.oauth(status: answer.status, body: answer.body, retryAfter: answer.retryAfter)
        }
        do {
            return try Access.decode(answer.body, receivedAt: Date())
        } catch {
            throw KeyfobClientError.unexpectedResponse(status: 200, body: String(decoding: answer.body.prefix(512), as: UTF8.self))
        }
    }

    /// Posts a form with this client's credentials in HTTP Basic (an empty secret for a public
    /// client), with a DPoP proof of `key` when one is given.
    func post(_ form: [(String, String)], to url: String, proving key: DPoPKey? = nil, nonce: String? = nil) async throws -> HTTPExchange.Answer {
        let basic = "Basic " + Data("\(FormEncoding.escape(clientID)):\(FormEncoding.escape(clientSecret))".utf8).base64EncodedString()
        var headers = [("Authorization", basic)]
        if let key { headers.append(("DPoP", try await key.proof(method: "POST", url: url, nonce: nonce))) }
        return try await http.send(.POST, url, headers: headers, form: form)
    }
}
