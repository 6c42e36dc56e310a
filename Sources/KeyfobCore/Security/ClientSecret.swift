import Foundation

/// Client secrets: 256 bits from the CSPRNG as URL-safe text (docs/contract.md §1).
public enum ClientSecret {
    /// A new secret, 43 base64url characters, never starting with `-`: command-line parsers
    /// (`keyfob try --secret S`, `keyfob-bench --client-secret S`) would take such a secret for an
    /// option. Drawing again when it would (1 time in 64) costs 0.02 of 256 bits.
    public static func generate(using random: any RandomSource) -> String {
        while true {
            let secret = Data(random.bytes(32)).base64URLEncodedString()
            if !secret.hasPrefix("-") { return secret }
        }
    }
}
