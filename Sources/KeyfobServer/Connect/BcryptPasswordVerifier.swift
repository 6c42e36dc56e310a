import Dispatch
import Foundation
import HummingbirdBcrypt
import KeyfobConnect
import KeyfobCore
import Metrics
import Synchronization

/// Owner passwords are bcrypt hashes (`keyfob owners add`).
final class BcryptPasswordVerifier: PasswordVerifier {
    /// The cost `keyfob owners add` hashes with.
    static let cost: UInt8 = 12

    /// Checks run on threads of their own, never on Swift's cooperative pool, whose few threads
    /// serve every request: a cost-12 check takes a quarter of a second.
    private static let queue = DispatchQueue(label: "keyfob.bcrypt", attributes: .concurrent)
    /// At most this many checks run at once (one per core)…
    private let running: DispatchSemaphore
    /// …and at most this many wait or run; one more is refused at once (503).
    private let maxInFlight: Int
    private let inFlight = Mutex(0)
    private static let shed = Counter(label: "keyfob_login_checks_shed_total")

    init(maxInFlight: Int = 32, concurrency: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.maxInFlight = maxInFlight
        self.running = DispatchSemaphore(value: concurrency)
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        let admitted = inFlight.withLock { count in
            guard count < maxInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else {
            Self.shed.increment()
            throw StoreUnavailableError("\(maxInFlight) password checks are already under way")
        }
        defer { inFlight.withLock { $0 -= 1 } }
        let running = self.running
        return await withCheckedContinuation { continuation in
            Self.queue.async {
                running.wait()
                defer { running.signal() }
                continuation.resume(returning: Bcrypt.verify(password, hash: hash))
            }
        }
    }

    var decoyHash: String { Self.decoy }

    /// Made once per process, at the first unknown email, from a password nobody is told.
    private static let decoy = Bcrypt.hash(UUIDText.random(using: SystemRandomSource()), cost: cost)
}
