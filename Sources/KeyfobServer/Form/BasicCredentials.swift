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
        let parts = header.utf8.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: true)
        guard let scheme = parts.first, HeaderBytes.trimmedLowercase(scheme) == Array("basic".utf8) else { throw .otherScheme }
        guard parts.count == 2 else { throw .malformed }
        let encoded = HeaderBytes.trimmed(parts[1])
        // Bytes in an array, not `Data`, whose byte-by-byte iteration is slow on this hot path.
        guard let data = Data(base64Encoded: Data(encoded)) else { throw .malformed }
        let decoded = [UInt8](data)
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { throw .malformed }
        // RFC 6749 §2.3.1: the id and secret are form-encoded before base64; the decoder also
        // refuses bytes that are not UTF-8.
        do {
            let clientID = try FormDecoder.decodeComponent(decoded[decoded.startIndex..<colon])
            let secret = try FormDecoder.decodeComponent(decoded[decoded.index(after: colon)...])
            guard !clientID.isEmpty else { throw Failure.malformed }
            return (clientID, secret)
        } catch {
            throw .malformed
        }
    }
}
