import Foundation

/// The 36-character text form of UUIDs, written and read byte by byte.
///
/// Foundation formats with `snprintf`, parses with `sscanf`, and `UUID()` opens `/dev/urandom` on
/// Linux; a token exchange formats or parses half a dozen ids (the request id, the client id, the
/// grant and application columns, two new tokens), and those calls showed in its profile.
public enum UUIDText {
    /// Lowercase 8-4-4-4-12 hex digits, as Smartcar writes ids and tokens.
    public static func format(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { output in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        output[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    output[position] = HexDigit.lowercase(byte >> 4)
                    output[position + 1] = HexDigit.lowercase(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }

    /// Parses 8-4-4-4-12 hex digits in either case, and nothing else (`UUID(uuidString:)` on Linux
    /// also lets a space stand before any byte's two digits).
    public static func parse(_ text: String) -> UUID? { parse(utf8: Substring(text).utf8) }

    /// Parses the UTF-8 bytes of the text form (one item of a longer list, say).
    public static func parse(utf8: Substring.UTF8View) -> UUID? {
        guard utf8.count == 36 else { return nil }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &raw) { output -> Bool in
            var byteIndex = 0
            var high: UInt8?
            for (position, character) in utf8.enumerated() {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let nibble = HexDigit.value(of: character) else { return false }
                if let pending = high {
                    output[byteIndex] = pending << 4 | nibble
                    byteIndex += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return byteIndex == 16
        }
        return parsed ? UUID(uuid: raw) : nil
    }

    /// Parses a UUID's text inside a longer string.
    public static func parse(_ text: Substring) -> UUID? { parse(utf8: text.utf8) }

    /// A new version-4 UUID's text: 122 bits from `random`, version and variant bits set (RFC 9562).
    public static func random(using random: any RandomSource) -> String {
        versionFour(from: random.bytes(16))
    }

    /// The version-4, RFC 9562-variant UUID text made from 16 bytes (122 of the bits stay free).
    public static func versionFour(from bytes: some Sequence<UInt8>) -> String {
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &raw) { output in
            var count = 0
            for byte in bytes.prefix(16) {
                output[count] = byte
                count += 1
            }
            output[6] = (output[6] & 0x0F) | 0x40
            output[8] = (output[8] & 0x3F) | 0x80
            return count
        }
        precondition(count == 16, "a UUID needs 16 bytes")
        return format(UUID(uuid: raw))
    }
}

extension UUID {
    /// The lowercase text form (`UUIDText.format`).
    package var lowercasedText: String { UUIDText.format(self) }

    /// Parses the text form in either case (`UUIDText.parse`).
    package init?(text: String) {
        guard let uuid = UUIDText.parse(text) else { return nil }
        self = uuid
    }
}
