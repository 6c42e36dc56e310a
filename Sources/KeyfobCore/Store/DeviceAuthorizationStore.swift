import Foundation

/// Device authorizations (RFC 8628). The states are decided by `DeviceCodeRule`; a store only
/// keeps them, each method one transaction.
public protocol DeviceAuthorizationStore: Sendable {
    /// Writes a new request. False, writing nothing, when a stored request already has its user
    /// code (the caller draws another).
    func insertDeviceAuthorization(_ record: DeviceAuthorization) async throws -> Bool

    /// The request with this user code digest, whatever its state (the caller judges).
    func deviceAuthorization(userCode digest: SecretDigest) async throws -> DeviceAuthorization?

    /// Counts a wrong entry against every live pending request whose user code starts with the
    /// same four letters; one that reaches `burnAfter` wrong entries expires at
    /// `DeviceCodeRule.burnt(at: now)`.
    func countWrongUserCode(group digest: SecretDigest, at now: Date, burnAfter: Int) async throws

    /// Records the owner's decision on the request with this user code — with the consent, for an
    /// approval — when `DeviceCodeRule.entryVerdict` says it may still be decided; otherwise
    /// changes nothing. Returns the verdict it acted on.
    func decideDeviceAuthorization(
        userCode digest: SecretDigest,
        _ decision: DeviceDecision,
        at now: Date
    ) async throws
        -> DeviceCodeRule.EntryVerdict

    /// A poll by `client` with this device code, judged by `DeviceCodeRule.pollVerdict`: records
    /// the poll, or spends the code and writes `pair` in a new token family, exactly once however
    /// many instances poll at the same moment. Throws `StaleClientError` when the client's record
    /// is no longer at `client.version`.
    func pollDeviceAuthorization(
        deviceCode digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        issuing pair: PairToIssue
    )
        async throws -> DevicePoll
}
