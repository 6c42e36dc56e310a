import KeyfobCore
import NIOCore

/// Writes one JSON object (RFC 8259) member by member, for the answers on paths measured hot:
/// error bodies and introspection. `JSONEncoder` cost more than the rest of a refused token
/// request, and 6 % of an introspection; each member here is a few buffer writes. Members come
/// out in the order written, so a caller that wants sorted keys writes them sorted.
struct JSONObjectWriter {
    private var buffer: ByteBuffer
    private var empty = true

    /// Starts an object; `capacity` is a guess at its size, so most answers allocate once.
    init(capacity: Int = 512) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
        buffer.writeInteger(UInt8(ascii: "{"))
    }

    mutating func member(_ key: String, _ value: String) {
        writeKey(key)
        Self.writeString(value, to: &buffer)
    }

    mutating func member(_ key: String, _ value: Bool) {
        writeKey(key)
        if value { buffer.writeStaticString("true") } else { buffer.writeStaticString("false") }
    }

    mutating func member(_ key: String, _ value: Int) {
        writeKey(key)
        buffer.writeString(String(value))
    }

    mutating func member(_ key: String, _ values: [String]) {
        writeKey(key)
        buffer.writeInteger(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            Self.writeString(value, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A member whose value is an object of its own.
    mutating func member(_ key: String, object: (inout JSONObjectWriter) -> Void) {
        writeKey(key)
        var inner = JSONObjectWriter(capacity: 64)
        object(&inner)
        var written = inner.finish()
        buffer.writeBuffer(&written)
    }

    /// The object, closed.
    consuming func finish() -> ByteBuffer {
        buffer.writeInteger(UInt8(ascii: "}"))
        return buffer
    }

    private mutating func writeKey(_ key: String) {
        if !empty { buffer.writeInteger(UInt8(ascii: ",")) }
        empty = false
        Self.writeString(key, to: &buffer)
        buffer.writeInteger(UInt8(ascii: ":"))
    }

    /// A JSON string (RFC 8259 §7): quote, backslash and control characters escaped, the rest
    /// as UTF-8. Error descriptions quote client input, so every string is escaped.
    private static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        defer { buffer.writeInteger(UInt8(ascii: "\"")) }
        // Ids, scopes and codes need no escape: one copy instead of a write per byte.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case 0..<0x20:
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(HexDigit.lowercase(byte >> 4))
                buffer.writeInteger(HexDigit.lowercase(byte & 0x0F))
            default: buffer.writeInteger(byte)
            }
        }
    }
}
