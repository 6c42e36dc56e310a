import Foundation

/// Rules for registering redirect URIs (RFC 6749 §3.1.2, RFC 9700 §4.1).
public enum RedirectURI {
    /// Schemes that run code or read local files instead of reaching an app.
    private static let forbiddenSchemes: Set<String> = ["javascript", "data", "file", "vbscript", "about", "blob"]

    /// Why `text` cannot be registered, or nil when it can: an absolute URI without a fragment;
    /// http(s) ones need a host; custom schemes (mobile apps) are allowed, script schemes are not.
    /// Plain `http` only to a loopback host (RFC 9700 §4.1, RFC 8252 §7.3): a code sent over
    /// the network unencrypted can be read on the way, unless `allowPlainHTTP` (a URL that is
    /// not a redirect target, like the server's own base URL, which is warned about instead).
    public static func problem(with text: String, allowPlainHTTP: Bool = false) -> String? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            return "must be non-empty printable ASCII without spaces"
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "must be an absolute URI with a scheme"
        }
        guard !forbiddenSchemes.contains(scheme) else { return "the \(scheme): scheme is not allowed" }
        guard components.fragment == nil else { return "must not contain a fragment (RFC 6749 §3.1.2)" }
        if scheme == "http" || scheme == "https" {
            guard let host = components.host, !host.isEmpty else { return "must name a host" }
            guard components.user == nil && components.password == nil else { return "must not contain userinfo" }
            if scheme == "http" && !allowPlainHTTP && !isLoopback(host) {
                return "plain http is allowed only to localhost, 127.0.0.1 or [::1] (RFC 9700 §4.1); use https"
            }
        }
        return nil
    }

    /// `localhost`, `127.0.0.0/8` and `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
