import Foundation
import GRDB
import KeyfobCore

/// Conversions between domain values and the column forms the schema uses.
enum Column {
    static func id(_ uuid: UUID) -> String { uuid.lowercasedText }
    static func time(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }
    static func list(_ names: [String]) -> String { names.joined(separator: " ") }
    static func names(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
    static func uuids(_ ids: [UUID]) -> String { ids.map(id).joined(separator: ",") }

    static func uuids(_ text: String) -> [UUID] {
        text.split(separator: ",").compactMap { UUIDText.parse($0) }
    }

    /// Redirect URIs are printable ASCII without spaces (`RedirectURI`), so a newline separates them.
    static func lines(_ strings: [String]) -> String { strings.joined(separator: "\n") }
    static func strings(fromLines text: String) -> [String] { text.split(separator: "\n").map(String.init) }
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
