import Foundation

/// The text form of codes and tokens: a UUID v4 string (CONTRACT §1), lowercase, 36 characters.
public enum TokenText {
    /// A new random code or token.
    public static func random(using random: any RandomSource) -> String {
        UUIDText.random(using: random)
    }

    /// Whether `text` has the shape of a UUID (8-4-4-4-12 hex digits, either case). Anything else
    /// cannot be a code or token, and is refused as `invalid_request` without a store lookup.
    public static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return false }
        for (index, byte) in utf8.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return false }
            default:
                guard isHexDigit(byte) else { return false }
            }
        }
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default:
            false
        }
    }
}
