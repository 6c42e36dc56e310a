import Foundation
import KeyfobCore

/// Slows user-code guessing on the verification page (RFC 8628 §5.1). Every entry is counted
/// before it is looked up, per entry session and per source address, in the store's login
/// failure counts (one statement returning the new count, so parallel entries cannot slip under
/// the limit, and every instance counts the same entries). A correct entry is counted too and
/// never takes the count back: otherwise an attacker could reset their count with a code of
/// their own, which anyone can get by starting a device flow.
public struct DeviceEntryThrottle: Sendable {
    private let store: any LoginFailureStore
    private let clock: any WallClock
    private let perSession: LoginThrottle.Limit
    private let perAddress: LoginThrottle.Limit

    /// Makes a throttle: by default 5 entries per session in 15 minutes and 20 per address in an hour.
    public init(
        store: any LoginFailureStore,
        clock: any WallClock,
        perSession: LoginThrottle.Limit = .init(attempts: 5, window: 900),
        perAddress: LoginThrottle.Limit = .init(attempts: 20, window: 3600)
    ) {
        self.store = store
        self.clock = clock
        self.perSession = perSession
        self.perAddress = perAddress
    }

    /// Counts an entry. Seconds to wait when it is over a limit (the code must then not be looked
    /// up), or nil when it may go on.
    public func admit(session: SecretDigest, from address: String) async throws -> Int? {
        let now = clock.now
        let keys = [
            ("device-entry session " + session.bytes.base64EncodedString(), perSession),
            ("device-entry address " + address, perAddress),
        ]
        // Both counts take every entry, so an entry refused by one still spends the other's allowance.
        var wait: Int?
        for (key, limit) in keys {
            // The keys hold no '@', so they never meet an email's count.
            let counted = try await store.recordLoginFailure(emailKey: key, at: now, window: limit.window)
            if counted.count > limit.attempts {
                wait = max(wait ?? 0, 1, Int(counted.windowEndsAt.timeIntervalSince(now).rounded(.up)))
            }
        }
        return wait
    }
}
