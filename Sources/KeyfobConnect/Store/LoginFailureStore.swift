import Foundation
import KeyfobCore

/// Live login attempts per key (an email, or an email and an address), kept in the store so every instance counts the same attempts.
public protocol LoginFailureStore: Sendable {
    /// The failures of the window open at `now` for this email key (lowercased email); nil when
    /// no window is open.
    func loginFailures(emailKey: String, at now: Date) async throws -> LoginFailures?
    /// Counts one failure in one statement: opens a window of `window` seconds at `now` when none
    /// is open, else adds to the open one. Returns the count with this one, so concurrent callers
    /// each see a different number.
    @discardableResult
    func recordLoginFailure(emailKey: String, at now: Date, window: TimeInterval) async throws -> LoginFailures
    /// Forgets the failures of an email (a successful login).
    func clearLoginFailures(emailKey: String) async throws
}

/// The failed logins of one email in its current window.
public struct LoginFailures: Sendable, Equatable {
    /// Failures counted since the window opened.
    public var count: Int
    /// When the window closes and the count starts again.
    public var windowEndsAt: Date

    public init(count: Int, windowEndsAt: Date) {
        self.count = count
        self.windowEndsAt = windowEndsAt
    }
}
