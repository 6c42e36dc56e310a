import Foundation
import GRDB
import KeyfobCore

/// Conversions between domain values and the column forms the schema uses.
enum Column {
    static func id(_ uuid: UUID) -> String { uuid.lowercasedText }
    static func time(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
    static func list(_ names: [String]) -> String { names.joined(separator: " ") }
    static func uuids(_ ids: [UUID]) -> String { ids.map(id).joined(separator: ",") }

    // The lists below are split by byte, not by `Character`: splitting a String on a Character
    // runs grapheme breaking over every byte, and a grant's permission list, read on every
    // introspection and bearer call, was 7 % of an introspection's time that way. The separators
    // are ASCII, and an ASCII byte never occurs inside another character's UTF-8.

    static func names(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: " ")).map { String(Substring($0)) }
    }

    static func uuids(_ text: String) -> [UUID] {
        text.utf8.split(separator: UInt8(ascii: ",")).compactMap { UUIDText.parse(utf8: $0) }
    }

    /// Redirect URIs are printable ASCII without spaces (`RedirectURI`), so a newline separates them.
    static func lines(_ strings: [String]) -> String { strings.joined(separator: "\n") }
    static func strings(fromLines text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { String(Substring($0)) }
    }
}

extension Row {
    /// A UUID column, which the schema keeps as text.
    func uuid(_ column: String) -> UUID? {
        (self[column] as String?).flatMap(UUIDText.parse)
    }

    /// A time column, which the schema keeps as Unix seconds.
    func date(_ column: String) -> Date? {
        (self[column] as Double?).map(Column.date)
    }

    /// A digest column.
    func digest(_ column: String) -> SecretDigest? {
        (self[column] as Data?).map(SecretDigest.init(bytes:))
    }
}
