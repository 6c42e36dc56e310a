import Foundation
import KeyfobCore

extension MemoryStore {
    public func replaceManagementToken(of applicationID: UUID, with digest: SecretDigest) -> Bool {
        guard applicationRecords[applicationID] != nil else { return false }
        managementTokens = managementTokens.filter { $0.value != applicationID }
        managementTokens[digest] = applicationID
        return true
    }

    public func application(managementTokenDigest digest: SecretDigest) -> UUID? {
        managementTokens[digest].flatMap { applicationRecords[$0] == nil ? nil : $0 }
    }

    public func consents(applicationID: UUID, ownerID: UUID?) -> [Consent] {
        consentRecords.values.filter { $0.applicationID == applicationID && (ownerID == nil || $0.ownerID == ownerID) }
    }

    public func disconnect(applicationID: UUID, ownerID: UUID?, vehicleID: UUID?) -> [Consent] {
        var changed = [Consent]()
        for before in consents(applicationID: applicationID, ownerID: ownerID) {
            var after = before
            after.vehicleIDs.removeAll { vehicleID == nil || $0 == vehicleID }
            guard after.vehicleIDs.count < before.vehicleIDs.count else { continue }
            consentRecords[before.id] = after
            if after.vehicleIDs.isEmpty {
                for (digest, stored) in accessTokens where stored.token.consentID == before.id { accessTokens[digest]?.token.revoked = true }
                for (digest, stored) in refreshTokens where stored.consentID == before.id { refreshTokens[digest]?.revoked = true }
            }
            changed.append(before)
        }
        return changed
    }
}
