/// Client secrets: 256 bits from the CSPRNG as URL-safe text (CONTRACT §1).
public enum ClientSecret {
    /// A new secret, 43 base64url characters.
    public static func generate(using random: any RandomSource) -> String {
        Data(random.bytes(32)).base64URLEncodedString()
    }
}

import Foundation
