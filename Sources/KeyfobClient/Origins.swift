import Foundation

/// Where an `AuthClient` sends each kind of request. Defaults to Smartcar's; point them at Keyfob
/// (or read them from the environment like the official SDKs do).
public struct Origins: Sendable, Equatable {
    /// The token endpoint's origin. Either the bare origin (Node, Java and Ruby style) or the full
    /// token URL ending in `/oauth/token` (Python style): both are understood.
    public var auth: String
    /// Where the Connect pages live (`/oauth/authorize` is appended).
    public var connect: String
    /// Where `/v2.0/...` lives.
    public var api: String
    /// Where the Management API (`/v2.0/management/...`) lives.
    public var management: String

    /// Smartcar's production origins.
    public static let smartcar = Origins(
        auth: "https://auth.smartcar.com",
        connect: "https://connect.smartcar.com",
        api: "https://api.smartcar.com",
        management: "https://management.smartcar.com"
    )

    /// Origins for one Keyfob server that serves all three, e.g. `http://127.0.0.1:8080`.
    public static func keyfob(_ base: String) -> Origins {
        Origins(auth: base, connect: base, api: base, management: base)
    }

    /// Makes a set of origins.
    public init(auth: String, connect: String, api: String, management: String = "https://management.smartcar.com") {
        self.auth = auth
        self.connect = connect
        self.api = api
        self.management = management
    }

    /// `SMARTCAR_AUTH_ORIGIN`, `SMARTCAR_CONNECT_ORIGIN`, `SMARTCAR_API_ORIGIN` and
    /// `SMARTCAR_MANAGEMENT_API_ORIGIN`, each falling back to Smartcar's.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Origins {
        Origins(
            auth: environment["SMARTCAR_AUTH_ORIGIN"] ?? smartcar.auth,
            connect: environment["SMARTCAR_CONNECT_ORIGIN"] ?? smartcar.connect,
            api: environment["SMARTCAR_API_ORIGIN"] ?? smartcar.api,
            management: environment["SMARTCAR_MANAGEMENT_API_ORIGIN"] ?? smartcar.management
        )
    }

    /// The token endpoint URL.
    public var tokenURL: String {
        let base = auth.trimmingTrailingSlash
        return base.hasSuffix("/oauth/token") ? base : base + "/oauth/token"
    }

    var authorizeURL: String { connect.trimmingTrailingSlash + "/oauth/authorize" }

    /// The pushed authorization request endpoint (RFC 9126 §2), beside the token endpoint.
    public var pushedAuthorizationRequestURL: String {
        String(tokenURL.dropLast("/oauth/token".count)) + "/oauth/par"
    }

    /// The device authorization endpoint (RFC 8628 §3.1), beside the token endpoint.
    public var deviceAuthorizationURL: String {
        String(tokenURL.dropLast("/oauth/token".count)) + "/oauth/device_authorization"
    }
}

extension String {
    var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
