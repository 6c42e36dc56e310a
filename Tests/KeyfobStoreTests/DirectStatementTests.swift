import Foundation
import GRDB
import KeyfobTestSupport
import Testing

@testable import KeyfobSQLite

/// The token path's statements bypass GRDB's binding and decoding; these check that what goes in
/// comes back out, that failures keep SQLite's result code, and that a statement is left reusable.
@Suite("direct statements")
struct DirectStatementTests {
    @Test func everyBoundTypeReadsBackUnchanged() async throws {
        try await withProbeStore(columns: Self.probeColumns) { store, _ in
            let blob = Data([0, 1, 0xFE, 0xFF, 0])
            let read = try await store.write { db in
                let insert = try DirectStatement("INSERT INTO probe (b, t, d, i, missing) VALUES (?, ?, ?, ?, ?)", in: db)
                insert.bind(1, blob)
                insert.bind(2, "Grüße, \u{1F697} ✓")
                insert.bind(3, 1_700_000_000.25)
                insert.bind(4, Int64.min)
                try insert.execute()

                let select = try DirectStatement("SELECT b, t, d, i, missing FROM probe", in: db)
                #expect(try select.step())
                return (
                    try Data.fetchOne(db, sql: "SELECT b FROM probe"), select.text(1), select.double(2), select.int64(3),
                    select.isNull(4), select.optionalText(4), select.optionalDouble(4), select.optionalDouble(2)
                )
            }
            #expect(read.0 == blob)
            #expect(read.1 == "Grüße, \u{1F697} ✓")
            #expect(read.2 == 1_700_000_000.25)
            #expect(read.3 == Int64.min)
            #expect(read.4)
            #expect(read.5 == nil)
            #expect(read.6 == nil)
            #expect(read.7 == 1_700_000_000.25)
        }
    }

    @Test func aFailingStatementThrowsSQLitesCodeAndStaysUsable() async throws {
        try await withProbeStore(columns: Self.probeColumns) { store, _ in
            let insertOne = { @Sendable (db: Database) throws in
                let insert = try DirectStatement("INSERT INTO probe (i) VALUES (?)", in: db)
                insert.bind(1, Int64(7))
                try insert.execute()
            }
            try await store.write(insertOne)
            await #expect {
                try await store.write(insertOne)
            } throws: { error in
                (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            }
            // The same cached statement, reset after the failure, runs again with new bindings.
            try await store.write { db in
                let insert = try DirectStatement("INSERT INTO probe (i) VALUES (?)", in: db)
                insert.bind(1, Int64(8))
                try insert.execute()
            }
            #expect(try await store.read { db in try Int64.fetchAll(db, sql: "SELECT i FROM probe ORDER BY i") } == [7, 8])
        }
    }

    @Test func aStatementLeftBetweenRowsStartsOverNextTime() async throws {
        try await withProbeStore(columns: Self.probeColumns) { store, _ in
            try await store.write { db in try db.execute(sql: "INSERT INTO probe (i) VALUES (1), (2), (3)") }
            let firstRows = try await store.write { db in
                try (0..<2).map { _ in
                    let select = try DirectStatement("SELECT i FROM probe ORDER BY i", in: db)
                    #expect(try select.step())
                    return select.int64(0)
                }
            }
            #expect(firstRows == [1, 1])
        }
    }

    @Test func aMissingRowIsNoRow() async throws {
        try await withProbeStore(columns: Self.probeColumns) { store, _ in
            let found = try await store.write { db in
                let select = try DirectStatement("SELECT i FROM probe WHERE t = ?", in: db)
                select.bind(1, "nothing")
                return try select.step()
            }
            #expect(!found)
        }
    }

    private static let probeColumns = "b BLOB, t TEXT, d REAL, i INTEGER UNIQUE, missing TEXT"
}
