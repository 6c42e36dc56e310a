import Foundation
import KeyfobCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Notices when the database file is deleted or replaced under a running store.
///
/// SQLite keeps writing to the file it opened: after an `rm` or a `mv` over it, commits still
/// succeed, into a file nobody will open again, and every token answered since is gone at the
/// next start. The file is known by its device and inode, checked after every commit before the
/// answers go out and on every deadline sweep; once it has changed the store answers nothing but
/// "unavailable" until it is restarted on the right file.
final class DatabaseFileWatch: Sendable {
    private let path: String
    private let device: UInt64
    private let inode: UInt64
    private let lost = Mutex<String?>(nil)
    private let logger: Logger

    /// Records the identity of the file at `path`, which must exist.
    init(path: String, logger: Logger) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreUnavailableError("cannot stat the database file \(path)") }
        self.path = path
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
        self.logger = logger
    }

    /// Why the store must not answer any more, or nil while the file is the one it opened.
    func check() -> String? {
        if let reason = lost.withLock({ $0 }) { return reason }
        var info = stat()
        let reason: String
        if stat(path, &info) != 0 {
            reason = "the database file \(path) was deleted while Keyfob was serving"
        } else if UInt64(info.st_dev) != device || UInt64(info.st_ino) != inode {
            reason = "the database file \(path) was replaced by another file while Keyfob was serving"
        } else {
            return nil
        }
        let first = lost.withLock { state -> Bool in
            defer { if state == nil { state = reason } }
            return state == nil
        }
        if first {
            logger.error(
                "SQLite database lost: \(reason); answering 503 until Keyfob is restarted on the right file",
                metadata: ["sqlite.path": "\(path)"]
            )
        }
        return reason
    }

    /// The reason recorded by an earlier check, without looking at the file again.
    var lostReason: String? { lost.withLock { $0 } }
}
