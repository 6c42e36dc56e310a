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

    /// Encodes a value; the types passed here cannot fail to encode. A flat object of strings
    /// (`/v2.0/user`'s answer, a command's status) is written directly, with the keys sorted as
    /// the encoder sorts them: on a bearer call `JSONEncoder` was 4 % of the time.
    static func encode(_ value: some Encodable) -> ByteBuffer {
        if let members = value as? [String: String] {
            var writer = JSONObjectWriter(capacity: 128)
            for key in members.keys.sorted() { writer.member(key, members[key]!) }
            return writer.finish()
        }
        return ByteBuffer(data: (try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    /// Writes a flat object of strings, members in the order given (`JSONObjectWriter`).
    static func object(_ members: KeyValuePairs<String, String>) -> ByteBuffer {
        var writer = JSONObjectWriter()
        for (key, value) in members { writer.member(key, value) }
        return writer.finish()
    }

    /// A response with a JSON body and the given extra headers.
    static func response(status: HTTPResponse.Status, body: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}
