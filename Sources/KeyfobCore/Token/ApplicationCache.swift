import Foundation
import Synchronization

/// Application records kept in memory for client authentication, so the token path does not read
/// the store for the client on every request.
///
/// Staleness is caught where it matters: every store call that spends a code or token confirms the
/// cached `version` inside its own transaction, and a credential the cached copy refuses is checked
/// again against the store (the secret may have just been rotated by another process).
public final class ApplicationCache: Sendable {
    private let entries = Mutex<[UUID: ClientApplication]>([:])
    private let capacity: Int

    /// Makes an empty cache holding at most `capacity` applications.
    public init(capacity: Int = 10_000) { self.capacity = capacity }

    func application(_ id: UUID) -> ClientApplication? { entries.withLock { $0[id] } }

    func store(_ application: ClientApplication) {
        entries.withLock { entries in
            // Dropping everything when full is crude but bounded, and refills in one read each.
            if entries.count >= capacity && entries[application.id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[application.id] = application
        }
    }

    func remove(_ id: UUID) { _ = entries.withLock { $0.removeValue(forKey: id) } }
}
