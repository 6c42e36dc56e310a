/// Byte-level helpers for header values on the hot path, where Foundation's `trimmingCharacters`
/// showed up in the token endpoint's profile.
enum HeaderBytes {
    /// The bytes without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }) else { return [] }
        var result = Array(bytes[first...])
        while let last = result.last, isBlank(last) { result.removeLast() }
        return result
    }

    /// Trimmed, with ASCII letters lowercased (header tokens are case-insensitive).
    static func trimmedLowercase(_ bytes: some Collection<UInt8>) -> [UInt8] {
        trimmed(bytes).map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }
}
