import Foundation

/// What becomes of a device authorization, decided here once, from the stored record and the
/// clock: each store reads the record, asks this rule, and carries the verdict out in its
/// transaction (RFC 8628 §3.4–3.5).
public enum DeviceCodeRule {
    /// How long the codes live: 10 minutes (`expires_in`).
    public static let lifetime: TimeInterval = 600
    /// The first polling interval, in seconds (`interval`).
    public static let interval = 5
    /// RFC 8628 §3.5: each `slow_down` adds 5 seconds to the interval.
    public static let slowDownStep = 5
    /// A poll this much early still counts as on time: the device measures its wait from the
    /// answer it got, the server from the request before, and the network can shorten the gap a
    /// little but never by half a second on a path a device polls over.
    public static let pollTolerance: TimeInterval = 0.5
    /// Wrong entries sharing a live code's first four letters before that code is burnt.
    public static let wrongGuessesBeforeBurn = 3

    /// What a poll at the token endpoint gets.
    public enum PollVerdict: Sendable, Equatable {
        /// Approved: issue the pair for this consent and mark the device code spent.
        case issue(consentID: UUID)
        /// Still waiting (`authorization_pending`); the poll is recorded.
        case pending
        /// Polled before `interval` was up (`slow_down`); the interval becomes this and the poll is recorded.
        case slowDown(interval: Int)
        /// The owner said no (`access_denied`).
        case denied
        /// Past its lifetime, or burnt (`expired_token`).
        case expired
        /// The pair was issued already (`invalid_grant`); nothing changes, and the tokens issued stay valid:
        /// a second poll is as likely a second instance of the device's own software as a thief.
        case spent
        /// No such device code, or another client's (`invalid_grant`), left untouched.
        case unknown
    }

    /// Judges a poll by `client` at `now` of `record` (nil when no record has the presented digest).
    public static func pollVerdict(for record: DeviceAuthorization?, presentedBy client: UUID, at now: Date) -> PollVerdict {
        guard let record, record.applicationID == client else { return .unknown }
        switch record.status {
        case .issued:
            return .spent
        case _ where record.expiresAt <= now:
            return .expired
        case .approved(let consentID):
            return .issue(consentID: consentID)
        case .denied:
            return .denied
        case .pending:
            if let last = record.lastPolledAt, now.timeIntervalSince(last) < TimeInterval(record.interval) - pollTolerance {
                return .slowDown(interval: record.interval + slowDownStep)
            }
            return .pending
        }
    }

    /// The expiry a burnt code is given: a second before `now`, so that it reads as expired
    /// however its store rounds a time (SQLite's seconds since 1970 can come back one bit later
    /// than the `Date` written).
    public static func burnt(at now: Date) -> Date { now - 1 }

    /// The interval a store records with a poll it judged `verdict`: the grown one after a
    /// `slow_down`, the current one after `authorization_pending`; nil when no poll is recorded.
    public static func recordedInterval(after verdict: PollVerdict, current: Int) -> Int? {
        switch verdict {
        case .slowDown(let interval): interval
        case .pending: current
        case .issue, .denied, .expired, .spent, .unknown: nil
        }
    }

    /// What the verification page may do with a code the owner typed.
    public enum EntryVerdict: Sendable, Equatable {
        /// Pending and live: the owner may log in and decide.
        case decide
        /// Past its lifetime, or burnt.
        case expired
        /// Approved or denied already.
        case decided
        /// No live code has it.
        case unknown
    }

    /// Judges a typed code's record at `now`.
    public static func entryVerdict(for record: DeviceAuthorization?, at now: Date) -> EntryVerdict {
        guard let record else { return .unknown }
        guard record.status == .pending else { return .decided }
        guard record.expiresAt > now else { return .expired }
        return .decide
    }
}

/// What the owner decided on the verification page.
public enum DeviceDecision: Sendable, Equatable {
    /// Allowed: the consent to record, which the device's tokens will carry.
    case approve(Consent)
    /// Denied.
    case deny
}

/// What a poll's transaction did.
public enum DevicePoll: Sendable, Equatable {
    /// The pair was written and the device code spent; `scope` is the consent's, space-separated.
    case issued(consentID: UUID, scope: String)
    /// Nothing issued; the verdict says why (never `.issue`).
    case refused(DeviceCodeRule.PollVerdict)
}
