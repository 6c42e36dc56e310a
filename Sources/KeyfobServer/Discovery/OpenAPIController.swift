import Foundation
import HTTPTypes
import Hummingbird
import Yams

/// `GET /openapi.yaml` and `GET /openapi.json`: the OpenAPI 3.1 description of every route
/// (docs/openapi.yaml, shipped as this module's resource), read and converted once at start-up.
struct OpenAPIController {
    let yaml: ByteBuffer
    let json: ByteBuffer

    /// Reads the document from the module's resources.
    static func load() throws -> OpenAPIController {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI") else {
            throw DocumentMissing()
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        let json = try JSONSerialization.data(withJSONObject: try Yams.load(yaml: text) ?? [:], options: [.sortedKeys, .withoutEscapingSlashes])
        return OpenAPIController(yaml: ByteBuffer(string: text), json: ByteBuffer(bytes: json))
    }

    func addRoutes(to router: Router<KeyfobRequestContext>) {
        router.get("openapi.yaml") { _, _ in Self.document(yaml, type: "application/yaml") }
        router.get("openapi.json") { _, _ in Self.document(json, type: "application/json") }
    }

    private static func document(_ body: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: body))
    }

    struct DocumentMissing: Error, CustomStringConvertible {
        var description: String { "the OpenAPI document is missing from KeyfobServer's resources" }
    }
}
