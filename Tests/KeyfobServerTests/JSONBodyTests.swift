import Foundation
import NIOCore
import Testing

@testable import KeyfobCore
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

/// The answers written member by member (`JSONObjectWriter`) instead of by `JSONEncoder`.
@Suite("answers written without JSONEncoder")
struct WrittenAnswerTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A flat object of strings comes out as the encoder wrote it, byte for byte, keys sorted.
    @Test func aFlatObjectOfStringsIsTheEncodersBytes() throws {
        let answer = ["status": "success", "id": "3f1c…/é", "a_quote": "say \"hi\" \\ there"]
        #expect(Data(JSONBody.encode(answer).readableBytesView) == (try Self.encoder.encode(answer)))
    }

    @Test func anInactiveTokenIsActiveFalseAlone() {
        #expect(String(buffer: TokenManagementController.body(.inactive)) == #"{"active":false}"#)
    }

    /// Every member of an active answer, with its JSON type: a number, an array, an object.
    @Test func anActiveAnswerHasEveryMemberWithItsType() throws {
        let client = UUID()
        let owner = UUID()
        let vehicle = UUID()
        let answer = Introspection(
            active: true,
            clientID: client,
            tokenUse: .accessToken,
            scope: ["read_odometer", "read_vin"],
            expiresAt: Date(timeIntervalSince1970: 1_800_000_000),
            subject: owner,
            vehicleIDs: [vehicle],
            keyThumbprint: "thumb-print"
        )
        let data = Data(TokenManagementController.body(answer).readableBytesView)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["active"] as? Bool == true)
        #expect(object["client_id"] as? String == client.uuidString.lowercased())
        #expect(object["exp"] as? Int == 1_800_000_000)
        #expect(object["scope"] as? String == "read_odometer read_vin")
        #expect(object["sub"] as? String == owner.uuidString.lowercased())
        #expect(object["token_type"] as? String == "DPoP")
        #expect(object["token_use"] as? String == "access_token")
        #expect(object["vehicles"] as? [String] == [vehicle.uuidString.lowercased()])
        #expect(object["cnf"] as? [String: String] == ["jkt": "thumb-print"])
        #expect(object.count == 9)
    }
}
