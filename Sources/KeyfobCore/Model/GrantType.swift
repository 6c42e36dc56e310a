/// The `grant_type` values an application may be registered for (RFC 7591 §2 `grant_types`).
public enum GrantType {
    public static let authorizationCode = "authorization_code"
    public static let refreshToken = "refresh_token"
    public static let clientCredentials = "client_credentials"
    /// RFC 8628 §3.4.
    public static let deviceCode = "urn:ietf:params:oauth:grant-type:device_code"

    /// Every grant type Keyfob answers.
    public static let all = [authorizationCode, refreshToken, clientCredentials, deviceCode]

    /// What an application registered without `--grant-types` may use: the grants of
    /// docs/contract.md §2. The device grant is opt-in, because a device code can be phished (an
    /// attacker starts a flow and talks an owner into approving it; RFC 8628 §5.4), and an app
    /// that does not run on a device should not offer that path.
    public static let defaults = [authorizationCode, refreshToken, clientCredentials]

    /// The grant type a registration names: its `grant_type` value, or `device_code` for the URN.
    public static func named(_ name: String) -> String? {
        if name == "device_code" { return deviceCode }
        return all.contains(name) ? name : nil
    }
}

extension ClientApplication {
    /// The grant types this application may use.
    public var allowedGrantTypes: [String] { grantTypes ?? GrantType.defaults }

    /// Whether this application may use `grantType`. A grant type of an embedder's own (one
    /// Keyfob does not define) is left to its `TokenGrant` to judge.
    public func allows(_ grantType: String) -> Bool {
        allowedGrantTypes.contains(grantType) || !GrantType.all.contains(grantType)
    }
}
