import Foundation
import Synchronization

/// Slows password guessing against live owners: after `allowedFailures` wrong passwords for one
/// email within `window`, that email must wait until the window has passed since the first of them.
///
/// Kept in memory per instance: behind a load balancer an attacker can multiply the allowance by
/// the number of instances, but bcrypt (cost 12) already bounds each attempt's rate.
public final class LoginThrottle: Sendable {
    private struct Failures {
        var count: Int
        var since: Date
    }

    private let failures = Mutex<[String: Failures]>([:])
    private let allowedFailures: Int
    private let window: TimeInterval
    private let clock: any WallClock

    /// Makes a throttle.
    public init(allowedFailures: Int = 5, window: TimeInterval = 900, clock: any WallClock) {
        self.allowedFailures = allowedFailures
        self.window = window
        self.clock = clock
    }

    /// Seconds this email must still wait, or nil when it may try.
    public func waitTime(for email: String) -> Int? {
        let now = clock.now
        return failures.withLock { failures in
            guard let entry = failures[email.lowercased()] else { return nil }
            let elapsed = now.timeIntervalSince(entry.since)
            if elapsed >= window {
                failures[email.lowercased()] = nil
                return nil
            }
            return entry.count >= allowedFailures ? Int((window - elapsed).rounded(.up)) : nil
        }
    }

    /// Records a wrong password.
    public func recordFailure(for email: String) {
        let now = clock.now
        failures.withLock { failures in
            let key = email.lowercased()
            if let entry = failures[key], now.timeIntervalSince(entry.since) < window {
                failures[key]?.count = entry.count + 1
            } else {
                if failures.count > 100_000 { failures.removeAll() }  // bounded memory under a spray
                failures[key] = Failures(count: 1, since: now)
            }
        }
    }

    /// Forgets the failures of an email after a successful login.
    public func recordSuccess(for email: String) {
        _ = failures.withLock { $0.removeValue(forKey: email.lowercased()) }
    }
}
