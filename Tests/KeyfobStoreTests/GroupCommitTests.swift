import GRDB
import KeyfobTestSupport
import Testing

@testable import KeyfobSQLite

/// Concurrent writes share transactions; a database error in one job must not lose the others.
@Suite("group commit")
struct GroupCommitTests {
    @Test func aFailingJobFailsAloneAndItsNeighboursCommit() async throws {
        try await withProbeStore(columns: "n INTEGER PRIMARY KEY") { store, _ in
            // 64 jobs at once, so most share a batch with the failing one (a duplicate primary key).
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<64 {
                    group.addTask {
                        do {
                            try await store.write { db in try db.execute(sql: "INSERT INTO probe (n) VALUES (?)", arguments: [n == 13 ? 7 : n]) }
                            return (n, true)
                        } catch {
                            return (n, false)
                        }
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            // Job 13 and job 7 insert the same key: exactly one of them wins, whichever ran first.
            #expect(outcomes.values.filter { !$0 }.count == 1)
            #expect(outcomes[7] != outcomes[13])
            let stored = try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM probe ORDER BY n") }
            #expect(stored == Array(0..<64).filter { $0 != 13 })
        }
    }

    @Test func writesAfterAQuietSpellStillCommit() async throws {
        try await withProbeStore(columns: "n INTEGER PRIMARY KEY") { store, _ in
            for n in 0..<3 {
                try await store.write { db in try db.execute(sql: "INSERT INTO probe (n) VALUES (?)", arguments: [n]) }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM probe") } == 3)
        }
    }
}
