import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636). Only `S256` is accepted: RFC 9700 §2.1.1 says `plain`
/// gives no protection where S256 can be used, and every current client can.
public enum PKCE {
    /// The one supported method.
    public static let s256 = "S256"

    /// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`. The same grammar holds for an
    /// S256 challenge, which is 43 base64url characters.
    public static func isWellFormedVerifier(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count) && text.utf8.allSatisfy(isUnreserved)
    }

    /// An S256 challenge is a SHA-256 digest in base64url without padding: 43 characters.
    public static func isWellFormedS256Challenge(_ text: String) -> Bool {
        text.utf8.count == 43 && text.utf8.allSatisfy { isUnreserved($0) && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "~") }
    }

    /// RFC 7636 §4.2: `BASE64URL(SHA256(ASCII(verifier)))` without padding.
    public static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncodedString()
    }

    /// RFC 7636 §4.6: whether `verifier` answers `challenge`, compared in constant time.
    public static func verifier(_ verifier: String, matches challenge: String) -> Bool {
        guard isWellFormedVerifier(verifier) else { return false }
        let expected = Array(self.challenge(for: verifier).utf8)
        let presented = Array(challenge.utf8)
        guard expected.count == presented.count else { return false }
        return zip(expected, presented).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5), as PKCE and compact tokens use it.
    package func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
