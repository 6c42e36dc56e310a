import Synchronization

/// Gathers concurrent calls into batches that one `run` serves together, at most `maxRunning`
/// batches at a time: a call that finds a batch slot free starts one at once, and calls that
/// arrive while every slot is busy wait together for the next batch. Under light load a batch
/// holds one call and adds no wait; under heavy load one transaction serves many.
///
/// Two waiting calls with the same key never share a batch: the later one waits for the next, so
/// a batch can match its rows to its calls by key, and a repeat (a replayed authorization code)
/// meets the first call's committed result, as it would one call at a time.
final class BatchQueue<Key: Hashable & Sendable, Item: Sendable, Answer: Sendable>: Sendable {
    /// Serves one batch; answers one result per item, in the items' order.
    typealias Run = @Sendable ([Item]) async -> [Result<Answer, any Error>]

    private struct Waiting {
        let key: Key
        let item: Item
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = 0

        /// Takes up to `limit` waiting calls, no two with one key, in arrival order.
        mutating func takeBatch(limit: Int) -> [Waiting] {
            var batch: [Waiting] = []
            var keys = Set<Key>()
            var left: [Waiting] = []
            for call in waiting {
                if batch.count < limit, keys.insert(call.key).inserted {
                    batch.append(call)
                } else {
                    left.append(call)
                }
            }
            waiting = left
            return batch
        }
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let maxRunning: Int

    init(maxBatch: Int, maxRunning: Int) {
        self.maxBatch = max(1, maxBatch)
        self.maxRunning = max(1, maxRunning)
    }

    /// Waits for `item`'s batch and answers its result. `run` serves the batches this call starts
    /// (every caller passes the same one); the queue keeps no reference to its owner.
    func submit(_ item: Item, key: Key, run: @escaping Run) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let batch = state.withLock { state -> [Waiting]? in
                state.waiting.append(Waiting(key: key, item: item, continuation: continuation))
                guard state.running < maxRunning else { return nil }
                state.running += 1
                return state.takeBatch(limit: maxBatch)
            }
            if let batch { Task { await self.serve(batch, run: run) } }
        }
    }

    /// Serves `batch`, then the batches that gathered meanwhile, until none waits.
    private func serve(_ first: [Waiting], run: Run) async {
        var batch = first
        while true {
            let answers = await run(batch.map(\.item))
            for (index, call) in batch.enumerated() {
                call.continuation.resume(with: index < answers.count ? answers[index] : .failure(BatchAnswerMissing()))
            }
            let next = state.withLock { state -> [Waiting]? in
                guard !state.waiting.isEmpty else {
                    state.running -= 1
                    return nil
                }
                return state.takeBatch(limit: maxBatch)
            }
            guard let next else { return }
            batch = next
        }
    }
}

/// A batch's run answered fewer results than it had items: a bug, answered rather than left hanging.
struct BatchAnswerMissing: Error {}
