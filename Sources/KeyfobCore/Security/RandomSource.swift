/// Where random bytes come from. Injected so tests can be deterministic where they need to be.
public protocol RandomSource: Sendable {
    /// `count` bytes of randomness.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's CSPRNG (getrandom on Linux), the default everywhere outside tests.
public struct SystemRandomSource: RandomSource {
    /// Makes the system source.
    public init() {}

    /// Random bytes from `SystemRandomNumberGenerator`, which is cryptographically secure.
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var result = [UInt8]()
        result.reserveCapacity(count + 8)
        while result.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { result.append(contentsOf: $0) }
        }
        return Array(result.prefix(count))
    }
}
