import Crypto
import Foundation

/// RFC 7638 thumbprints of the public keys a DPoP proof may carry: SHA-256 over the key's
/// required members, in lexical order, without whitespace. jwt-kit parses and verifies JWKs but
/// does not compute thumbprints; with only two key types, the members are written out here.
public enum JWKThumbprint {
    /// The base64url SHA-256 thumbprint (`jkt`, RFC 9449 §6.1) of an EC P-256 key.
    public static func ellipticCurve(crv: String, x: String, y: String) -> String {
        digest(#"{"crv":"\#(crv)","kty":"EC","x":"\#(x)","y":"\#(y)"}"#)
    }

    /// The thumbprint of an Ed25519 (OKP) key.
    public static func octetKeyPair(crv: String, x: String) -> String {
        digest(#"{"crv":"\#(crv)","kty":"OKP","x":"\#(x)"}"#)
    }

    private static func digest(_ canonical: String) -> String {
        Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncodedString()
    }
}
