import Foundation

/// The `Authorization: Basic` header of RFC 7617, as RFC 6749 §2.3.1 uses it for clients.
enum BasicCredentials {
    enum Failure: Error {
        /// Not the Basic scheme.
        case otherScheme
        /// Basic, but not `base64(id:secret)` with form-encoded parts.
        case malformed
    }

    /// The client id and secret, or nil when there is no Authorization header.
    static func parse(_ header: String?) throws(Failure) -> (clientID: String, secret: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let scheme = parts.first, scheme.lowercased() == "basic" else { throw .otherScheme }
        guard parts.count == 2 else { throw .malformed }
        let encoded = parts[1].trimmingCharacters(in: .whitespaces)
        guard let decoded = Data(base64Encoded: encoded), let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { throw .malformed }
        // RFC 6749 §2.3.1: the id and secret are form-encoded before base64.
        do {
            let clientID = try FormDecoder.decodeComponent(Array(text[..<colon].utf8))
            let secret = try FormDecoder.decodeComponent(Array(text[text.index(after: colon)...].utf8))
            guard !clientID.isEmpty else { throw Failure.malformed }
            return (clientID, secret)
        } catch {
            throw .malformed
        }
    }
}
