import Foundation
import NIOCore
import Testing

@testable import KeyfobServer

/// Error bodies are written by hand (`JSONBody.object`); whatever the strings hold, a JSON parser
/// must read back exactly them.
@Suite("hand-written JSON")
struct JSONBodyTests {
    @Test(arguments: [
        "plain", "", "quote \" and backslash \\", "slash / stays", "controls \u{00}\u{01}\u{08}\u{0C}\u{1F}\u{7F}",
        "line\nreturn\rtab\t", "ü€🚗 and é", String(repeating: "\"\\", count: 100),
    ])
    func stringsReadBackExactly(value: String) throws {
        let buffer = JSONBody.object(["error": "invalid_request", "error_description": value])
        let data = Data(buffer.readableBytesView)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object == ["error": "invalid_request", "error_description": value])
    }

    @Test func membersKeepTheirOrder() {
        let buffer = JSONBody.object(["b": "1", "a": "2"])
        #expect(String(buffer: buffer) == #"{"b":"1","a":"2"}"#)
    }
}
