import GRDB
import KeyfobCore
import Metrics
import Synchronization

/// Runs write jobs on SQLite's single writer, batching every job that arrives while a commit is
/// in flight into the next transaction (group commit).
///
/// With `synchronous=FULL` each commit costs a flush to disk; sharing one commit among all the
/// exchanges waiting for it keeps that durability without paying it per request. Each job is
/// answered only after the transaction holding it has committed. Jobs must not throw for
/// domain outcomes (they return them); a thrown error is a database failure, after which the
/// batch is retried one job at a time so one failure cannot sink its neighbours.
///
/// Every job is answered by its deadline (`CallDeadlines`). One still waiting is then dropped
/// unrun; one whose statements ran but have not committed is rolled back with its batch, and the
/// rest of the batch committed without it; only a job caught in the commit itself (a stalled
/// fsync) is answered without knowing whether it will land, as a lost answer would be.
final class GroupCommitWriter: Sendable {
    private final class Job: Sendable {
        let run: @Sendable (Database) throws -> Void
        /// Undoes what `run` committed, when its caller was answered 503 before the commit ended.
        let undo: (@Sendable (Database) throws -> Void)?
        let answer: OnceAnswer<Void>
        let deadline: UInt64

        init(
            run: @escaping @Sendable (Database) throws -> Void,
            undo: (@Sendable (Database) throws -> Void)?,
            answer: OnceAnswer<Void>,
            deadline: UInt64
        ) {
            self.run = run
            self.undo = undo
            self.answer = answer
            self.deadline = deadline
        }
    }

    private struct Queue {
        var pending: [Job] = []
        /// When the oldest pending job arrived: the batch is taken whole, so the first arrival.
        var pendingSince: ContinuousClock.Instant?
        var draining = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())
    private let checkpointer: BackgroundCheckpointer
    private let deadlines: CallDeadlines
    private let file: DatabaseFileWatch
    /// The most writes that may wait for the writer; one more is refused at once (load
    /// shedding: past this the wait would only grow, docs/contract.md §9).
    let maxPending: Int
    /// The longest the oldest pending write may have waited for the writer before new writes are
    /// refused at once: a bound on time rather than count, so the wait an accepted write sees
    /// stays near this however fast the disk is and however many clients press (nil: no bound).
    let maxWait: Duration?
    private static let shed = Counter(label: "keyfob_store_shed_total", dimensions: [("store", "sqlite")])

    /// Takes over the writer connection's checkpoints (`BackgroundCheckpointer`).
    init(
        pool: DatabasePool,
        checkpointer: BackgroundCheckpointer,
        deadlines: CallDeadlines,
        file: DatabaseFileWatch,
        maxPending: Int = 1024,
        maxWait: Duration? = nil
    ) async throws {
        self.maxPending = maxPending
        self.maxWait = maxWait
        self.pool = pool
        self.checkpointer = checkpointer
        self.deadlines = deadlines
        self.file = file
        try await pool.writeWithoutTransaction { db in checkpointer.install(onWriter: db) }
    }

    /// Runs `work` in a write transaction shared with concurrent jobs, after that transaction
    /// commits; or throws `StoreUnavailableError` at the deadline.
    ///
    /// `undo` is for the one case where the caller hears 503 and the work lands anyway: the
    /// deadline passed while the commit itself was under way (a stalled fsync). It then runs, with
    /// what `work` returned, in a transaction right after that commit, so what the database keeps
    /// matches what the caller was told.
    func write<T: Sendable>(
        _ work: @escaping @Sendable (Database) throws -> T,
        undo: (@Sendable (Database, T) throws -> Void)? = nil
    ) async throws -> T {
        let result = Mutex<T?>(nil)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let answer = OnceAnswer(continuation)
            let deadline = deadlines.register {
                answer.answer(.failure(StoreUnavailableError("the SQLite write did not finish within \(self.deadlines.timeout)")))
            }
            var undoJob: (@Sendable (Database) throws -> Void)?
            if let undo {
                undoJob = { db in
                    if let value = result.withLock({ $0 }) { try undo(db, value) }
                }
            }
            enqueue(
                Job(
                    run: { db in
                        let value = try work(db)
                        result.withLock { $0 = value }
                    },
                    undo: undoJob,
                    answer: answer,
                    deadline: deadline
                )
            )
        }
        return result.withLock { $0! }
    }

    private func enqueue(_ job: Job) {
        let now = maxWait == nil ? nil : ContinuousClock.now
        let (accepted, startDraining) = queue.withLock { queue in
            guard queue.pending.count < maxPending else { return (false, false) }
            if let maxWait, let now, let since = queue.pendingSince, now - since > maxWait { return (false, false) }
            if queue.pending.isEmpty { queue.pendingSince = now }
            queue.pending.append(job)
            guard !queue.draining else { return (true, false) }
            queue.draining = true
            return (true, true)
        }
        guard accepted else {
            deadlines.finished(job.deadline)
            Self.shed.increment()
            job.answer.answer(.failure(StoreUnavailableError("the SQLite writer is behind: too many writes are waiting")))
            return
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
            queue.pendingSince = nil
            if batch.isEmpty { queue.draining = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        pool.asyncWriteWithoutTransaction { db in
            self.commit(batch, in: db)
            self.checkpointer.writerFinishedBatch(db)
            self.commitNextBatch()
        }
    }

    /// How many writes shared each commit (docs/contract.md §9).
    private static let batchSizes = Recorder(label: "keyfob_sqlite_commit_batch_size")

    private func commit(_ batch: [Job], in db: Database) {
        // A job answered at its deadline while it waited is never run.
        var jobs = batch.filter { !$0.answer.isAnswered }
        if let lost = file.lostReason { return finish(jobs, .failure(StoreUnavailableError(lost))) }
        while !jobs.isEmpty {
            do {
                var abandoned = false
                try db.inTransaction {
                    for job in jobs { try job.run(db) }
                    // A job whose caller was answered while its statements ran must not commit
                    // unseen: roll back, and commit the rest without it.
                    abandoned = jobs.contains { $0.answer.isAnswered }
                    return abandoned ? .rollback : .commit
                }
                if abandoned {
                    jobs = jobs.filter { !$0.answer.isAnswered }
                    continue
                }
                Self.batchSizes.record(jobs.count)
                return finish(jobs, committed(), in: db)
            } catch {
                if jobs.count > 1 {
                    commitOneByOne(jobs, in: db)
                } else {
                    finish(jobs, .failure(error))
                    if Self.isIOError(error) { Self.overwriteRefusedFrames(in: db) }
                }
                return
            }
        }
    }

    /// After a failed batch: each job in its own transaction, so one failure cannot sink the rest.
    private func commitOneByOne(_ jobs: [Job], in db: Database) {
        var lastFailedOnIO = false
        for job in jobs where !job.answer.isAnswered {
            do {
                var abandoned = false
                try db.inTransaction {
                    try job.run(db)
                    abandoned = job.answer.isAnswered
                    return abandoned ? .rollback : .commit
                }
                if !abandoned { finish([job], committed(), in: db) }
                lastFailedOnIO = false
            } catch {
                finish([job], .failure(error))
                lastFailedOnIO = Self.isIOError(error)
            }
        }
        if lastFailedOnIO { Self.overwriteRefusedFrames(in: db) }
    }

    /// A commit that failed on I/O (fsync refused, say) has already written its frames to the
    /// WAL; only the flush failed. SQLite rolls it back in this process, but after a crash the
    /// WAL's recovery would find those frames whole and replay a transaction whose callers were
    /// answered 503. The next transaction writes its frames over them at the same place, which
    /// ends the chain recovery follows; so one is written at once, changing nothing that matters.
    /// It may fail on the same disk too: its frames still replace the refused ones.
    private static func overwriteRefusedFrames(in db: Database) {
        try? db.inTransaction {
            try db.execute(sql: "INSERT OR REPLACE INTO keys (name, value) VALUES ('writer-epoch', randomblob(8))")
            return .commit
        }
    }

    private static func isIOError(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.resultCode == .SQLITE_IOERR
    }

    /// What a commit answers: success, unless the file it went into is no longer the database.
    private func committed() -> Result<Void, any Error> {
        file.check().map { .failure(StoreUnavailableError($0)) } ?? .success(())
    }

    private func finish(_ jobs: [Job], _ result: Result<Void, any Error>, in db: Database? = nil) {
        var late = [Job]()
        for job in jobs {
            deadlines.finished(job.deadline)
            if !job.answer.answer(result), job.undo != nil { late.append(job) }
        }
        guard case .success = result, !late.isEmpty, let db else { return }
        // Committed, but its caller was already answered 503 at the deadline.
        do {
            try db.inTransaction {
                for job in late { try job.undo?(db) }
                return .commit
            }
        } catch {
            // The disk that stalled the commit failed this too; the retry then finds the work
            // done (a replayed code, a repeated refresh), as after any lost answer.
        }
    }
}
