import Foundation
import KeyfobConnect
import KeyfobCore

extension MemoryStore {
    public func insertPushedRequest(_ pushed: PushedAuthorizationRequest) {
        pushedRequests[pushed.digest] = pushed
    }

    public func takePushedRequest(digest: SecretDigest, applicationID: UUID, at now: Date) -> AuthorizationRequest? {
        guard let pushed = pushedRequests[digest], pushed.applicationID == applicationID, now < pushed.expiresAt else { return nil }
        pushedRequests[digest] = nil
        return pushed.request
    }
}
