import Hummingbird
import KeyfobCore

/// A `/v2.0` query string, form-decoded as the SDKs send it (`+` is a space, a name given twice
/// is refused); a malformed one is 400 `VALIDATION`.
enum APIQuery {
    static func parse(_ request: Request) throws(APIError) -> [String: String] {
        do {
            return try FormDecoder.decode(Array((request.uri.query ?? "").utf8))
        } catch {
            throw APIError(.validation, "The query string is malformed: \(error.message)", code: "PARAMETER")
        }
    }
}
