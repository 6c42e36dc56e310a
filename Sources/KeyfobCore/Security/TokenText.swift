import Foundation

/// The text form of codes and tokens: a UUID v4 string (docs/contract.md §1), lowercase, 36 characters.
public enum TokenText {
    /// A new random code or token.
    public static func random(using random: any RandomSource) -> String {
        UUIDText.random(using: random)
    }

    /// Whether `text` has the shape of a UUID (8-4-4-4-12 hex digits, either case). Anything else
    /// cannot be a code or token, and is refused as `invalid_request` without a store lookup.
    public static func isWellFormed(_ text: String) -> Bool {
        UUIDText.parse(text) != nil
    }
}
