import Foundation
import KeyfobCore
import Testing

/// The Management API's cursor gives back exactly the connection it was made after, and nothing
/// for a cursor that was altered or belongs to another query.
@Suite("Connection cursor")
struct ConnectionCursorTests {
    let cursors = ConnectionCursor(keyBytes: Data(repeating: 7, count: 32))
    let query = ConnectionCursor.Query(applicationID: UUID(), userID: nil, vehicleID: nil)

    /// Dates as PostgreSQL and SQLite hand them back (microseconds), each exactly restored: a
    /// cursor one bit newer than its connection would repeat that connection on the next page.
    @Test func everyStoredDateComesBackToTheBit() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            // As PostgresNIO decodes a timestamptz: microseconds since 2000, and as SQLite's
            // REAL seconds since 1970 are read.
            let micros = Int64.random(in: 600_000_000_000_000...900_000_000_000_000, using: &generator)
            let fromPostgres = Date(timeInterval: Double(micros) / 1_000_000, since: Date(timeIntervalSince1970: 946_684_800))
            let fromSQLite = Date(timeIntervalSince1970: Double(micros) / 1_000_000 + 946_684_800)
            let stored = Bool.random(using: &generator) ? fromPostgres : fromSQLite
            let last = Connection(vehicleID: UUID(), userID: UUID(), connectedAt: stored)
            let back = cursors.last(in: cursors.make(after: last, for: query), for: query)
            #expect(back == last)
            if back != last { return }
        }
    }

    @Test func anotherQueryOrAnAlteredCursorIsRefused() {
        let last = Connection(vehicleID: UUID(), userID: UUID(), connectedAt: Date())
        let cursor = cursors.make(after: last, for: query)
        var filtered = query
        filtered.userID = UUID()
        #expect(cursors.last(in: cursor, for: filtered) == nil)
        #expect(cursors.last(in: cursor, for: .init(applicationID: UUID(), userID: nil, vehicleID: nil)) == nil)
        #expect(ConnectionCursor(keyBytes: Data(repeating: 8, count: 32)).last(in: cursor, for: query) == nil)
        var altered = Array(cursor)
        altered[5] = altered[5] == "A" ? "B" : "A"
        #expect(cursors.last(in: String(altered), for: query) == nil)
        #expect(cursors.last(in: "", for: query) == nil && cursors.last(in: "a.b.c", for: query) == nil)
    }

    /// base64url (RFC 4648 §5), which cursors, DPoP proofs and JWT headers are read with: every
    /// length and byte value comes back; padding, the standard alphabet's `+` and `/`, spaces and
    /// non-ASCII are refused.
    @Test func base64URLReadsEveryLengthAndRefusesOtherAlphabets() {
        for length in 0..<40 {
            let bytes = Data((0..<length).map { UInt8(($0 * 37 + length) % 256) })
            #expect(Data(base64URLEncoded: bytes.base64URLEncodedString()) == bytes)
        }
        #expect(Data(base64URLEncoded: "-_8") == Data([0xFB, 0xFF]))
        for bad in ["+_8", "/_8", "AQ==", "AQ ", "Aé", "A"] {
            #expect(Data(base64URLEncoded: bad) == nil, "\(bad)")
        }
    }
}
