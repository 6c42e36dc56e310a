import Synchronization

/// How one deadline-bound call ends: with its work's result, at its deadline, or with the caller's
/// cancellation. Whichever comes first answers the caller, once; the tasks still running are then
/// cancelled and left to end on their own, never waited for.
final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        /// The result, kept when the race ended before the caller's continuation was handed over.
        var early: Result<T, any Error>?
        var isOver = false
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Hands over the caller's continuation, answering it at once if the race is already over.
    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            guard state.isOver else {
                state.continuation = continuation
                return nil
            }
            return state.early
        }
        if let early { continuation.resume(with: early) }
    }

    /// Tasks to cancel when the race ends; cancelled at once if it has.
    func cancelOnEnd(_ tasks: [Task<Void, Never>]) {
        let isOver = state.withLock { state in
            if !state.isOver { state.tasks += tasks }
            return state.isOver
        }
        if isOver { for task in tasks { task.cancel() } }
    }

    /// Ends the race with `result` unless it has already ended; returns whether this call ended it.
    @discardableResult
    func settle(_ result: Result<T, any Error>) -> Bool {
        let ended = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>])? in
            guard !state.isOver else { return nil }
            state.isOver = true
            let ended = (state.continuation, state.tasks)
            if state.continuation == nil { state.early = result }
            state.continuation = nil
            state.tasks = []
            return ended
        }
        guard let (continuation, tasks) = ended else { return false }
        continuation?.resume(with: result)
        for task in tasks { task.cancel() }
        return true
    }
}
