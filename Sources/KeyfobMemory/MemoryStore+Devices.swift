import Foundation
import KeyfobCore

extension MemoryStore {
    public func insertDeviceAuthorization(_ record: DeviceAuthorization) -> Bool {
        guard deviceAuthorizations[record.userCodeDigest] == nil else { return false }
        deviceAuthorizations[record.userCodeDigest] = StoredDeviceAuthorization(record: record)
        userCodesByDeviceCode[record.deviceCodeDigest] = record.userCodeDigest
        return true
    }

    public func deviceAuthorization(userCode digest: SecretDigest) -> DeviceAuthorization? {
        deviceAuthorizations[digest]?.record
    }

    public func countWrongUserCode(group digest: SecretDigest, at now: Date, burnAfter: Int) {
        for (key, stored) in deviceAuthorizations
        where stored.record.userCodeGroupDigest == digest && stored.record.status == .pending && stored.record.expiresAt > now {
            deviceAuthorizations[key]?.wrongGuesses += 1
            if stored.wrongGuesses + 1 >= burnAfter { deviceAuthorizations[key]?.record.expiresAt = DeviceCodeRule.burnt(at: now) }
        }
    }

    public func decideDeviceAuthorization(userCode digest: SecretDigest, _ decision: DeviceDecision, at now: Date) -> DeviceCodeRule.EntryVerdict {
        let verdict = DeviceCodeRule.entryVerdict(for: deviceAuthorizations[digest]?.record, at: now)
        guard verdict == .decide else { return verdict }
        switch decision {
        case .approve(let consent):
            consentRecords[consent.id] = consent
            deviceAuthorizations[digest]?.record.status = .approved(consentID: consent.id)
        case .deny:
            deviceAuthorizations[digest]?.record.status = .denied
        }
        return verdict
    }

    public func pollDeviceAuthorization(
        deviceCode digest: SecretDigest,
        by client: ClientVersion,
        at now: Date,
        issuing pair: PairToIssue
    ) throws
        -> DevicePoll
    {
        guard isCurrent(client) else { throw StaleClientError(client: client) }
        guard let userCode = userCodesByDeviceCode[digest], let record = deviceAuthorizations[userCode]?.record else {
            return .refused(.unknown)
        }
        let verdict = DeviceCodeRule.pollVerdict(for: record, presentedBy: client.id, at: now)
        switch verdict {
        case .issue(let consentID):
            nextFamily += 1
            families[nextFamily] = StoredFamily(consentID: consentID, applicationID: client.id, origin: GrantType.deviceCode, createdAt: now)
            deviceAuthorizations[userCode]?.record.status = .issued
            insert(pair, family: nextFamily, consentID: consentID, applicationID: client.id)
            let granted = consentRecords[consentID]?.permissions ?? []
            return .issued(consentID: consentID, scope: granted.joined(separator: " "))
        default:
            if let interval = DeviceCodeRule.recordedInterval(after: verdict, current: record.interval) {
                deviceAuthorizations[userCode]?.record.lastPolledAt = now
                deviceAuthorizations[userCode]?.record.interval = interval
            }
        }
        return .refused(verdict)
    }
}
