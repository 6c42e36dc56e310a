import Foundation
import KeyfobCore

extension MemoryStore {
    public func insertSigningKey(_ key: SigningKeyRecord) {
        signingKeyRecords.append(key)
    }

    public func signingKeys() -> [SigningKeyRecord] {
        signingKeyRecords.sorted { $0.createdAt < $1.createdAt }
    }
}
