import Foundation
import KeyfobCore
import Logging
import ServiceLifecycle

/// Deletes expired codes and tokens on a period while `serve` runs, so the database does not grow
/// without bound (`keyfob gc` does the same once).
struct ExpiredRowsCleaner: Service {
    let store: any TokenStore
    let clock: any WallClock
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    let removed = try await store.deleteExpired(before: clock.now)
                    logger.debug("expired rows removed", metadata: ["keyfob.removed": "\(removed)"])
                } catch {
                    logger.warning("expired-row cleanup failed; will retry", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
