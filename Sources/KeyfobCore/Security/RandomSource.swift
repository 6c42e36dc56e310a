/// Where random bytes come from. Injected so tests can be deterministic where they need to be.
public protocol RandomSource: Sendable {
    /// `count` bytes of randomness.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's CSPRNG (getrandom on Linux), the default everywhere outside tests.
public struct SystemRandomSource: RandomSource {
    /// Makes the system source.
    public init() {}

    /// Random bytes from `SystemRandomNumberGenerator` (getrandom on Linux), which is
    /// cryptographically secure.
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            while initialized < count {
                withUnsafeBytes(of: generator.next() as UInt64) { word in
                    for byte in word.prefix(count - initialized) {
                        buffer[initialized] = byte
                        initialized += 1
                    }
                }
            }
        }
    }
}
