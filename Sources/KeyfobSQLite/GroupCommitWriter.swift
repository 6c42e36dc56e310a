import GRDB
import Synchronization

/// Runs write jobs on SQLite's single writer, batching every job that arrives while a commit is
/// in flight into the next transaction (group commit).
///
/// With `synchronous=FULL` each commit costs a flush to disk; sharing one commit among all the
/// exchanges waiting for it keeps that durability without paying it per request. Each job is
/// answered only after the transaction holding it has committed. Jobs must not throw for
/// domain outcomes (they return them); a thrown error is a database failure, after which the
/// batch is retried one job at a time so one failure cannot sink its neighbours.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (Database) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var pending: [Job] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())
    private let checkpointer: BackgroundCheckpointer

    /// Takes over the writer connection's checkpoints (`BackgroundCheckpointer`).
    init(pool: DatabasePool, checkpointer: BackgroundCheckpointer) async throws {
        self.pool = pool
        self.checkpointer = checkpointer
        try await pool.writeWithoutTransaction { db in checkpointer.install(onWriter: db) }
    }

    /// Runs `work` in a write transaction shared with concurrent jobs, after that transaction commits.
    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                run: { db in
                    let value = try work(db)
                    result.withLock { $0 = value }
                },
                finish: { error in
                    if let error { return continuation.resume(throwing: error) }
                    continuation.resume(returning: result.withLock { $0! })
                })
            enqueue(job)
        }
    }

    private func enqueue(_ job: Job) {
        let startDraining = queue.withLock { queue in
            queue.pending.append(job)
            guard !queue.draining else { return false }
            queue.draining = true
            return true
        }
        if startDraining { commitNextBatch() }
    }

    /// Writes everything pending in one transaction on the writer's queue, answers it, lets the
    /// checkpointer have its turn, and from there schedules the next batch: the writer goes from
    /// one commit to the next without waiting for a thread of Swift's pool, whose two threads are
    /// busy with the requests themselves.
    private func commitNextBatch() {
        let batch = queue.withLock { queue in
            let batch = queue.pending
            queue.pending.removeAll(keepingCapacity: true)
            if batch.isEmpty { queue.draining = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        pool.asyncWriteWithoutTransaction { db in
            Self.commit(batch, in: db)
            self.checkpointer.writerFinishedBatch(db)
            self.commitNextBatch()
        }
    }

    private static func commit(_ batch: [Job], in db: Database) {
        do {
            try db.inTransaction {
                for job in batch { try job.run(db) }
                return .commit
            }
            for job in batch { job.finish(nil) }
        } catch {
            guard batch.count > 1 else { return batch[0].finish(error) }
            for job in batch {
                do {
                    try db.inTransaction {
                        try job.run(db)
                        return .commit
                    }
                    job.finish(nil)
                } catch {
                    job.finish(error)
                }
            }
        }
    }
}
