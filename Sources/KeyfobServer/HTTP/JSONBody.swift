import Foundation
import HTTPTypes
import Hummingbird
import KeyfobCore

/// Small helpers for the JSON answers Keyfob writes.
enum JSONBody {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Encodes a value; the types passed here cannot fail to encode.
    static func encode(_ value: some Encodable) -> ByteBuffer {
        ByteBuffer(data: (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Writes a flat object of strings, members in the order given. Error answers are written
    /// this way rather than through `JSONEncoder`, which cost more than the rest of a refused
    /// token request; their descriptions quote client input, so every string is escaped.
    static func object(_ members: KeyValuePairs<String, String>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            writeString(member.key, to: &buffer)
            buffer.writeInteger(UInt8(ascii: ":"))
            writeString(member.value, to: &buffer)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
        return buffer
    }

    /// A JSON string (RFC 8259 §7): quote, backslash and control characters escaped, the rest
    /// as UTF-8.
    private static func writeString(_ text: String, to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
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
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// A response with a JSON body and the given extra headers.
    static func response(status: HTTPResponse.Status, body: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}
