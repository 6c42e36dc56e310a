import Foundation

/// The application a request authenticated as, and the version of the record it was checked
/// against. Stores confirm it inside the transaction that spends a code or token, so a secret
/// rotated or an application deleted by another process a moment ago is never missed.
public struct ClientVersion: Sendable, Hashable {
    /// The client id.
    public var id: UUID
    /// The application record's version.
    public var version: Int64

    /// Makes a client version.
    public init(id: UUID, version: Int64) {
        self.id = id
        self.version = version
    }
}

/// The application record changed (or was deleted) after the request authenticated against a
/// cached copy; the token endpoint authenticates again from the store and retries once.
public struct StaleClientError: Error, Sendable {
    /// The version the request was authenticated against.
    public var client: ClientVersion

    /// Makes the error.
    public init(client: ClientVersion) { self.client = client }
}
