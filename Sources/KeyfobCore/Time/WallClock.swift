import Foundation
import Synchronization

/// The current time, injected so tests can expire a code without waiting ten minutes.
public protocol WallClock: Sendable {
    /// Now.
    var now: Date { get }
}

/// The system clock.
public struct SystemWallClock: WallClock {
    /// Makes the system clock.
    public init() {}
    /// `Date()`.
    public var now: Date { Date() }
}

/// A clock that stands still until moved: for tests, and for embedding in simulations.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// Starts the clock at `start`.
    public init(_ start: Date = Date()) { current = Mutex(start) }

    /// The time the clock was last set to.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
