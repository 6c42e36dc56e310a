/// A failure of the store itself (not of the request): the database is locked, unreachable or out of
/// space. The HTTP layer answers it with 503 so clients retry instead of giving up.
public struct StoreUnavailableError: Error, Sendable, CustomStringConvertible {
    /// What the backend reported; logged, never sent.
    public var description: String

    /// Wraps a backend failure.
    public init(_ description: String) { self.description = description }
}
