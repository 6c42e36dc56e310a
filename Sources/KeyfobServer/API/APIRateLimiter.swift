import Foundation
import KeyfobCore
import Synchronization

/// The v2 API's allowance per access token (docs/contract.md §9): `limit` calls in each `window`;
/// past it 429 `RATE_LIMIT` with `Retry-After` until the window ends.
///
/// Counted in memory, per instance: unlike a guessed secret, an API call costs the attacker a
/// valid token, and a store write per call would cost more than the calls it protects. Behind a
/// load balancer of N instances a token may make up to N × `limit` calls (docs/decisions.md).
final class APIRateLimiter: Sendable {
    private struct Window {
        var started: Date
        var count: Int
    }

    let limit: Int
    let window: TimeInterval
    private let clock: any WallClock
    private let windows = Mutex<[SecretDigest: Window]>([:])

    init(limit: Int, window: TimeInterval, clock: any WallClock) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Counts a call of the token; throws the 429 when it is over the allowance.
    func admit(_ token: SecretDigest) throws(APIError) {
        let now = clock.now
        let wait: Int? = windows.withLock { windows in
            // Bounded: windows that ended are dropped once the table grows.
            if windows.count > 50_000 { windows = windows.filter { now.timeIntervalSince($0.value.started) < window } }
            var current = windows[token].flatMap { now.timeIntervalSince($0.started) < window ? $0 : nil } ?? Window(started: now, count: 0)
            current.count += 1
            windows[token] = current
            guard current.count > limit else { return nil }
            return max(1, Int((current.started + window).timeIntervalSince(now).rounded(.up)))
        }
        guard let wait else { return }
        var error = APIError(.rateLimit, "This token made more than \(limit) calls in \(Int(window)) seconds; retry after \(wait) seconds.")
        error.retryAfter = wait
        throw error
    }
}
