import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where random bytes come from. Injected so tests can be deterministic where they need to be.
public protocol RandomSource: Sendable {
    /// `count` bytes of randomness.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's CSPRNG, the default everywhere outside tests.
public struct SystemRandomSource: RandomSource {
    /// Makes the system source.
    public init() {}

    /// Random bytes from `getentropy` (getrandom on Linux): one system call per 256 bytes, where
    /// `SystemRandomNumberGenerator` makes one per 8, and an exchange draws several tokens.
    public func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let chunk = min(Self.maximumDraw, count - filled)
                let start = buffer.baseAddress! + filled
                if getentropy(start, chunk) != 0 {
                    // Not expected once the kernel's pool is seeded; the standard library's
                    // generator uses the same source and stops the process if it fails too.
                    var generator = SystemRandomNumberGenerator()
                    for offset in 0..<chunk { start[offset] = generator.next() }
                }
                filled += chunk
            }
            initialized = count
        }
    }

    /// The most `getentropy` hands out per call.
    static let maximumDraw = 256
}

/// The operating system's CSPRNG drawn a page at a time, for values that must be unpredictable
/// but guard nothing: request ids. A request id drawn straight from `getentropy` cost a system
/// call on every request, a measurable share of a cheap request's time (BENCHMARKS.md, "Fixed
/// cost per request"). Tokens, codes and secrets do not come from here: bytes drawn ahead and
/// kept in memory are bytes a memory disclosure would hand out before they are used.
public final class PooledRandomSource: RandomSource, Sendable {
    private struct Pool {
        var bytes: [UInt8] = []
        var next = 0
    }

    private let pool = Mutex(Pool())
    private let source: any RandomSource
    private let drawSize: Int

    /// Makes a pool that refills `drawSize` bytes at a time from `source`.
    public init(source: any RandomSource = SystemRandomSource(), drawSize: Int = 4096) {
        self.source = source
        self.drawSize = drawSize
    }

    public func bytes(_ count: Int) -> [UInt8] {
        guard count <= drawSize else { return source.bytes(count) }
        return pool.withLock { pool in
            if pool.bytes.count - pool.next < count {
                pool.bytes = source.bytes(drawSize)
                pool.next = 0
            }
            defer { pool.next += count }
            return Array(pool.bytes[pool.next..<pool.next + count])
        }
    }
}
