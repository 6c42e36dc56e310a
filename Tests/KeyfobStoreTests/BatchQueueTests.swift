import Synchronization
import Testing

@testable import KeyfobPostgres

/// How `BatchQueue` gathers calls: the shapes of the batches it hands its run, not a database.
@Suite("Batch queue")
struct BatchQueueTests {
    /// What a run saw: each batch's items, and the most batches running at once.
    final class Runs: Sendable {
        private struct Seen {
            var batches: [[Int]] = []
            var running = 0
            var mostRunning = 0
        }
        private let seen = Mutex(Seen())

        var batches: [[Int]] { seen.withLock { $0.batches } }
        var mostRunning: Int { seen.withLock { $0.mostRunning } }

        /// Doubles every item, after a pause long enough for more calls to gather.
        func run(_ items: [Int]) async -> [Result<Int, any Error>] {
            seen.withLock {
                $0.batches.append(items)
                $0.running += 1
                $0.mostRunning = max($0.mostRunning, $0.running)
            }
            try? await Task.sleep(for: .milliseconds(20))
            seen.withLock { $0.running -= 1 }
            return items.map { .success($0 * 2) }
        }
    }

    @Test func concurrentCallsShareBatchesAndEachGetsItsOwnAnswer() async throws {
        let queue = BatchQueue<Int, Int, Int>(maxBatch: 16, maxRunning: 1)
        let runs = Runs()
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for item in 0..<64 {
                group.addTask { (item, try await queue.submit(item, key: item, run: { await runs.run($0) })) }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 64 && answers.allSatisfy { $0.value == $0.key * 2 })
        #expect(runs.mostRunning == 1)
        #expect(runs.batches.allSatisfy { $0.count <= 16 })
        #expect(runs.batches.count < 64, "calls that arrived during a batch waited for the next together")
        #expect(runs.batches.flatMap { $0 }.sorted() == Array(0..<64), "every call was in exactly one batch")
    }

    @Test func aKeyNeverAppearsTwiceInOneBatch() async throws {
        let queue = BatchQueue<Int, Int, Int>(maxBatch: 64, maxRunning: 1)
        let runs = Runs()
        try await withThrowingTaskGroup(of: Int.self) { group in
            // 8 items, each submitted 4 times under one key.
            for item in 0..<32 {
                group.addTask { try await queue.submit(item % 8, key: item % 8, run: { await runs.run($0) }) }
            }
            for try await answer in group { #expect(answer % 2 == 0) }
        }
        for batch in runs.batches { #expect(Set(batch).count == batch.count, "a batch held a key twice: \(batch)") }
        #expect(runs.batches.flatMap { $0 }.count == 32)
    }

    @Test func batchesRunAtMostMaxRunningAtOnce() async throws {
        let queue = BatchQueue<Int, Int, Int>(maxBatch: 4, maxRunning: 3)
        let runs = Runs()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for item in 0..<48 { group.addTask { try await queue.submit(item, key: item, run: { await runs.run($0) }) } }
            for try await _ in group {}
        }
        #expect(runs.mostRunning <= 3 && runs.mostRunning > 1)
    }

    @Test func aRunThatAnswersTooFewFailsTheRestInsteadOfHanging() async throws {
        let queue = BatchQueue<Int, Int, Int>(maxBatch: 8, maxRunning: 1)
        await #expect(throws: BatchAnswerMissing.self) { try await queue.submit(1, key: 1, run: { _ in [] }) }
    }
}
