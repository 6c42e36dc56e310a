import Crypto
import Foundation

/// SHA-256 of a code, token or client secret: the only form in which they are stored.
///
/// A fast hash is right for these (docs/architecture.md): they carry ≥122 random bits, so there is nothing to
/// brute-force, and a slow hash on the token path would only slow every exchange.
public struct SecretDigest: Hashable, Sendable {
    /// The 32 digest bytes.
    public let bytes: Data

    /// Wraps stored digest bytes.
    public init(bytes: Data) { self.bytes = bytes }

    /// The digest of a secret's text.
    public static func of(_ text: String) -> SecretDigest {
        var text = text
        // Hash the string's own UTF-8 storage rather than a copy: this runs several times per
        // token request.
        return text.withUTF8 { SecretDigest(bytes: Data(SHA256.hash(data: UnsafeRawBufferPointer($0)))) }
    }

    /// Compares without an early exit, so timing does not reveal how many leading bytes match.
    public func constantTimeEquals(_ other: SecretDigest) -> Bool {
        guard bytes.count == other.bytes.count else { return false }
        return bytes.withUnsafeBytes { (left: UnsafeRawBufferPointer) in
            other.bytes.withUnsafeBytes { (right: UnsafeRawBufferPointer) in
                var difference: UInt8 = 0
                for index in 0..<left.count { difference |= left[index] ^ right[index] }
                return difference == 0
            }
        }
    }
}
