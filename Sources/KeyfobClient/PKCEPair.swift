import Crypto
import Foundation

/// A PKCE verifier and its S256 challenge (RFC 7636), for apps that run Connect from a device.
public struct PKCEPair: Sendable, Equatable {
    /// Kept by the app, sent with `exchangeCode`.
    public var verifier: String
    /// Sent in the Connect URL.
    public var challenge: String

    /// A fresh pair: 32 random bytes as a 43-character verifier.
    public static func generate() -> PKCEPair {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let verifier = Data(bytes).base64URL
        return PKCEPair(verifier: verifier, challenge: challenge(for: verifier))
    }

    /// `BASE64URL(SHA256(verifier))`.
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URL
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
