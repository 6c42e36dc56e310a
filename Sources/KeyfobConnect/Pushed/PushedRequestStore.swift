import Foundation
import KeyfobCore

/// An authorize request a client pushed (RFC 9126), waiting for the browser to arrive with its
/// `request_uri`.
public struct PushedAuthorizationRequest: Sendable, Equatable {
    /// SHA-256 of the reference in the request_uri; the reference itself is never stored.
    public var digest: SecretDigest
    /// The client that pushed it: only this client's authorize link may use it.
    public var applicationID: UUID
    /// The request, validated when it was pushed.
    public var request: AuthorizationRequest
    /// When the request_uri stops working.
    public var expiresAt: Date

    /// Makes a record.
    public init(digest: SecretDigest, applicationID: UUID, request: AuthorizationRequest, expiresAt: Date) {
        self.digest = digest
        self.applicationID = applicationID
        self.request = request
        self.expiresAt = expiresAt
    }
}

/// Pushed authorization requests, shared by every instance: the push and the browser's visit may
/// reach different ones.
public protocol PushedRequestStore: Sendable {
    /// Keeps a pushed request until it is taken or expires.
    func insertPushedRequest(_ pushed: PushedAuthorizationRequest) async throws

    /// Removes and returns the request with this digest when `applicationID` pushed it and it is
    /// still live at `now`, in one step: two visits with the same request_uri, on any instances,
    /// get it once. Otherwise returns nil and changes nothing, so another client's guess cannot
    /// spend it.
    func takePushedRequest(digest: SecretDigest, applicationID: UUID, at now: Date) async throws -> AuthorizationRequest?
}
