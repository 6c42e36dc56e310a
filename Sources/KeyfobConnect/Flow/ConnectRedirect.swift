import KeyfobCore

/// Where Connect sends the owner back: the application's redirect URI with the code or an error,
/// and `state` echoed exactly (docs/contract.md §3).
public struct ConnectRedirect: Sendable, Equatable {
    /// The registered redirect URI.
    public var uri: String
    /// Query parameters to append, in order.
    public var parameters: [(String, String)]

    /// A success: `?code=…&state=…`.
    public init(uri: String, state: String?, code: String) {
        self.uri = uri
        self.parameters = [("code", code)] + (state.map { [("state", $0)] } ?? [])
    }

    /// A failure: `?error=…&error_description=…&state=…` plus any extra fields.
    public init(uri: String, state: String?, error: String, description: String, extra: [(String, String)] = []) {
        self.uri = uri
        // RFC 6749 §4.1.2.1 limits error_description to the characters §5.2 allows, as at the token endpoint.
        self.parameters =
            [("error", error), ("error_description", OAuthError.sanitized(description))] + extra + (state.map { [("state", $0)] } ?? [])
    }

    /// The value of a parameter the redirect carries (`error`, `error_description`, …).
    public func parameter(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }

    /// The full URL. Parameters are appended to any query the registered URI already has, each
    /// value percent-encoded except RFC 3986's unreserved characters.
    public var url: String {
        let query = parameters.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        let separator = uri.contains("?") ? (uri.hasSuffix("?") || uri.hasSuffix("&") ? "" : "&") : "?"
        return uri + separator + query
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    public static func == (left: ConnectRedirect, right: ConnectRedirect) -> Bool { left.url == right.url }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
