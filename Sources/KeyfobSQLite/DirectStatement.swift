import Foundation
import GRDB
import GRDBSQLite

/// One run of a cached statement through SQLite's C API, for the statements every token request
/// runs on the writer.
///
/// Every exchange waits in line for SQLite's single writer, so the writer's time per request
/// bounds the server's rate. There GRDB's conveniences cost more than SQLite's own work for
/// these statements: arguments boxed one by one, each row copied, each column found by its
/// lowercased name (BENCHMARKS.md has the profile). This binds and reads by position instead,
/// so a query names its columns in the order it reads them.
///
/// The statement is reset, and its bindings cleared, when this value goes out of scope.
struct DirectStatement: ~Copyable {
    private let handle: OpaquePointer
    private let connection: OpaquePointer?

    init(_ sql: String, in db: Database) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        connection = db.sqliteConnection
    }

    deinit {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Parameters, numbered from 1 as in SQLite

    func bind(_ index: Int32, _ value: Data) {
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transientCopy)
        }
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { text in
            _ = text.withMemoryRebound(to: CChar.self) { characters in
                sqlite3_bind_text(handle, index, characters.baseAddress, Int32(characters.count), transientCopy)
            }
        }
    }

    func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    // MARK: Running

    /// Steps once: true when a row is ready to read.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            // The extended code names the failure (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_FSYNC, …).
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                message: String(cString: sqlite3_errmsg(connection)) + " (\(code))"
            )
        }
    }

    /// Runs a statement that returns no rows.
    func execute() throws {
        while try step() {}
    }

    // MARK: Columns of the current row, numbered from 0 as in SQLite

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    func text(_ column: Int32) -> String {
        guard let characters = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    func optionalData(_ column: Int32) -> Data? { isNull(column) ? nil : data(column) }

    func data(_ column: Int32) -> Data {
        guard let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
}

/// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.
private let transientCopy = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
