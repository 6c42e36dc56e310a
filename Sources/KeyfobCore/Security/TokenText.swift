import Foundation

/// The text form of codes and tokens: a UUID v4 string (CONTRACT §1), lowercase, 36 characters.
public enum TokenText {
    /// A new random code or token.
    public static func random(using random: any RandomSource) -> String {
        uuidString(from: random.bytes(16))
    }

    /// Formats 16 bytes as a version-4, RFC 4122-variant UUID string (122 of the bits stay free).
    public static func uuidString(from bytes: some Sequence<UInt8>) -> String {
        var raw = Array(bytes.prefix(16))
        precondition(raw.count == 16, "a UUID needs 16 bytes")
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        let uuid = UUID(uuid: (
            raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
            raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
        return uuid.uuidString.lowercased()
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
