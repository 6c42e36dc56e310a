import Foundation

/// Slows password guessing against live owners: after `allowedFailures` wrong passwords for one
/// email within `window`, that email must wait until the window has passed since the first of them.
///
/// The count lives in the store, so behind a load balancer every instance sees the same attempts
/// and the allowance does not grow with the number of instances.
public struct LoginThrottle: Sendable {
    private let store: any LoginFailureStore
    private let allowedFailures: Int
    private let window: TimeInterval
    private let clock: any WallClock

    /// Makes a throttle.
    public init(store: any LoginFailureStore, allowedFailures: Int = 5, window: TimeInterval = 900, clock: any WallClock) {
        self.store = store
        self.allowedFailures = allowedFailures
        self.window = window
        self.clock = clock
    }

    /// Seconds this email must still wait, or nil when it may try.
    public func waitTime(for email: String) async throws -> Int? {
        let now = clock.now
        guard let failures = try await store.loginFailures(emailKey: email.lowercased(), at: now),
            failures.count >= allowedFailures
        else { return nil }
        return Int(failures.windowEndsAt.timeIntervalSince(now).rounded(.up))
    }

    /// Records a wrong password.
    public func recordFailure(for email: String) async throws {
        try await store.recordLoginFailure(emailKey: email.lowercased(), at: clock.now, window: window)
    }

    /// Forgets the failures of an email after a successful login.
    public func recordSuccess(for email: String) async throws {
        try await store.clearLoginFailures(emailKey: email.lowercased())
    }
}
