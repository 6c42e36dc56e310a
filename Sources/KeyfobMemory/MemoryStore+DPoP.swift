import Foundation
import KeyfobCore

extension MemoryStore {
    public func recordDPoPProof(_ digest: SecretDigest, expiresAt: Date) -> Bool {
        guard dpopProofs[digest] == nil else { return false }
        dpopProofs[digest] = expiresAt
        return true
    }
}
