import Foundation
import KeyfobCore
import KeyfobServer

/// JWT access tokens (RFC 9068) in tests: a key encryption key, signing keys added to a running
/// server's store, and a JWT's parts read back.
extension TestServer {
    /// The key encryption key test servers are configured with.
    public static let keyEncryptionKey = KeyEncryptionKey.random().key

    /// Configures a server to open signing keys sealed with `keyEncryptionKey`.
    public static func withKeyEncryptionKey(_ configuration: inout KeyfobConfiguration) {
        configuration.keyEncryptionKey = keyEncryptionKey
    }

    /// Stores a new signing key and moves the clock past the instances' next read of the keys.
    @discardableResult
    public func addSigningKey() async throws -> SigningKeyRecord {
        let key = try SigningKeyRecord.generate(sealedWith: Self.keyEncryptionKey, at: clock.now)
        try await store.insertSigningKey(key)
        clock.advance(by: 31)
        return key
    }
}

/// A compact JWS's header and claims, decoded without checking anything.
public struct DecodedJWT: Sendable {
    public let header: [String: any Sendable]
    public let claims: [String: any Sendable]
    public let parts: [String]

    public init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = Self.object(parts[0]), let claims = Self.object(parts[1]) else { return nil }
        self.header = header
        self.claims = claims
        self.parts = parts
    }

    static func object(_ part: String) -> [String: any Sendable]? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: any Sendable]
    }

    /// The token with its claims replaced by `claims`, the signature kept: a forgery.
    public func replacingClaims(_ claims: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        return parts[0] + "." + TestDPoPKey.base64URL(data) + "." + parts[2]
    }
}
