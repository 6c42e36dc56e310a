import Foundation
import KeyfobCore

/// Slows password guessing against live owners.
///
/// Each attempt is counted before its password is checked, in one store statement that returns
/// the new count, so parallel guesses cannot all pass under the limit; a successful login takes
/// the count back. Two counts are kept:
/// - per email and source address: after `allowedFailures` attempts within `window`, that
///   address waits the window out. Anyone else, the owner at home included, is not affected.
/// - per email, from every address: a far larger allowance over a longer window, so guessing
///   spread over many addresses is slowed too, without one address being able to lock an owner out.
///
/// The counts live in the store, so behind a load balancer every instance sees the same attempts
/// and the allowance does not grow with the number of instances.
public struct LoginThrottle: Sendable {
    /// How many attempts a key may make in its window.
    public struct Limit: Sendable {
        public var attempts: Int
        public var window: TimeInterval

        public init(attempts: Int, window: TimeInterval) {
            self.attempts = attempts
            self.window = window
        }
    }

    private let store: any LoginFailureStore
    private let perAddress: Limit
    private let perEmail: Limit
    private let clock: any WallClock

    /// Makes a throttle: by default 5 attempts per email and address in 15 minutes, and 100 per
    /// email in an hour.
    public init(
        store: any LoginFailureStore,
        perAddress: Limit = Limit(attempts: 5, window: 900),
        perEmail: Limit = Limit(attempts: 100, window: 3600),
        clock: any WallClock
    ) {
        self.store = store
        self.perAddress = perAddress
        self.perEmail = perEmail
        self.clock = clock
    }

    /// Counts an attempt. Seconds to wait when it is over a limit (the password must then not be
    /// checked), or nil when it may go on.
    public func admit(email: String, from address: String) async throws -> Int? {
        let now = clock.now
        for (key, limit) in [(Self.key(email, address), perAddress), (Self.key(email, nil), perEmail)] {
            let counted = try await store.recordLoginFailure(emailKey: key, at: now, window: limit.window)
            if counted.count > limit.attempts {
                return max(1, Int(counted.windowEndsAt.timeIntervalSince(now).rounded(.up)))
            }
        }
        return nil
    }

    /// Takes the counts back after a successful login.
    public func recordSuccess(email: String, from address: String) async throws {
        try await store.clearLoginFailures(emailKey: Self.key(email, address))
        try await store.clearLoginFailures(emailKey: Self.key(email, nil))
    }

    /// The store key: the lowercased email, with the address after a space (which no email has).
    static func key(_ email: String, _ address: String?) -> String {
        address.map { "\(email.lowercased()) \($0)" } ?? email.lowercased()
    }
}
