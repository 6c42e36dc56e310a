import Foundation
import KeyfobCore
import Testing

/// `UUIDText` replaces Foundation's UUID text on the hot path; it must agree with Foundation.
@Suite("UUID text")
struct UUIDTextTests {
    @Test func formatsAsFoundationDoesInLowercase() {
        for _ in 0..<1_000 {
            let uuid = UUID()
            #expect(UUIDText.format(uuid) == uuid.uuidString.lowercased())
        }
        let edges = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
        ]
        for uuid in edges { #expect(uuid.lowercasedText == uuid.uuidString.lowercased()) }
    }

    @Test func parsesEitherCaseToTheSameUUIDAsFoundation() {
        for _ in 0..<1_000 {
            let uuid = UUID()
            #expect(UUIDText.parse(uuid.uuidString) == uuid)
            #expect(UUIDText.parse(uuid.uuidString.lowercased()) == uuid)
            #expect(UUID(text: uuid.lowercasedText) == uuid)
        }
        let text = "list:CF7BA7E9-8C5D-417D-A99F-C386CFC235CC"
        #expect(UUIDText.parse(text.dropFirst(5)) == UUID(uuidString: "CF7BA7E9-8C5D-417D-A99F-C386CFC235CC"))
    }

    @Test(arguments: [
        "", "cf7ba7e9-8c5d-417d-a99f-c386cfc235c", "cf7ba7e9-8c5d-417d-a99f-c386cfc235ccc",
        "cf7ba7e9x8c5d-417d-a99f-c386cfc235cc", "gf7ba7e9-8c5d-417d-a99f-c386cfc235cc",
        "cf7ba7e98c5d-417d-a99f-c386cfc235cc-", "{cf7ba7e9-8c5d-417d-a99f-c386cfc235c}",
        " cf7ba7e9-8c5d-417d-a99f-c386cfc235c", "cf7ba7e9-8c5d-417d-a99f-c386cfc235cé",
        "cf7ba7e9-8c5d-417d-a99f-c386cfc2\u{0}5cc",
    ])
    func refusesAnythingButThirtySixCharactersOfHexAndHyphens(text: String) {
        // Stricter than Foundation, whose `sscanf` lets a space stand before any byte's digits.
        #expect(UUIDText.parse(text) == nil)
    }

    @Test func versionFourSetsTheVersionAndVariantBitsAndKeepsTheRest() {
        let ones = UUIDText.versionFour(from: [UInt8](repeating: 0xFF, count: 16))
        let zeros = UUIDText.versionFour(from: [UInt8](repeating: 0, count: 16))
        #expect(ones == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(zeros == "00000000-0000-4000-8000-000000000000")
        #expect(UUIDText.versionFour(from: Array(0..<20)) == "00010203-0405-4607-8809-0a0b0c0d0e0f")
    }

    @Test func randomSourceFillsExactlyTheCountAskedFor() {
        for count in [0, 1, 7, 8, 9, 16, 33] {
            #expect(SystemRandomSource().bytes(count).count == count)
        }
        #expect(Set((0..<100).map { _ in SystemRandomSource().bytes(16) }).count == 100)
    }
}
