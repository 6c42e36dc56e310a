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
