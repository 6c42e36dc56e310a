import Dispatch
import Foundation
import KeyfobCore
import KeyfobTestSupport
import Testing

@testable import KeyfobPostgres

/// A PostgreSQL call is answered by its deadline even when its own side stalls: a CI run once hung
/// for good on a migration whose client was starved of threads past the deadline, because a query
/// sent on the connection the deadline had closed never returned, and the call waited for it.
@Suite("PostgreSQL deadlines", .timeLimit(.minutes(2)))
struct PostgresDeadlineTests {
    enum StalledStep: String, CaseIterable, Sendable {
        /// Stalls with a result set still to read, then reads it.
        case readingRows
        /// Stalls with nothing pending, then commits.
        case committing
    }

    @Test(arguments: StalledStep.allCases)
    func aTransactionStalledPastItsDeadlineIsAnsweredAtTheDeadline(_ step: StalledStep) async throws {
        let database = try await PostgresTestDatabase()
        // Migrated first with the default deadline, so the short one below is only the stall's.
        try await database.open().shutdown()
        let store = try await database.open(poolSize: 2, operationTimeout: .seconds(1))
        do {
            // More stalled calls than the pool has connections: each must give its connection back.
            for _ in 0..<3 {
                let started = ContinuousClock.now
                await #expect(throws: StoreUnavailableError.self) {
                    let _: Int = try await store.transaction { connection in
                        let rows = try await connection.query("SELECT generate_series(1, 1000)", logger: store.logger)
                        if step == .committing { for try await _ in rows {} }
                        await Self.stall(seconds: 3)
                        if step == .readingRows { for try await _ in rows {} }
                        return .commit(1)
                    }
                }
                #expect(ContinuousClock.now - started < .milliseconds(2500), "answered at the deadline, not after the stall")
            }
            let key = try await store.rotationKey()
            #expect(key.count == 32, "the pool still serves after the stalled calls")
        } catch {
            store.shutdown()
            await database.remove()
            throw error
        }
        store.shutdown()
        await database.remove()
    }

    /// A stall that ignores cancellation and holds no thread: the client side of a call that
    /// simply does not get to run, as on a starved cooperative pool.
    private static func stall(seconds: Double) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume() }
        }
    }
}
