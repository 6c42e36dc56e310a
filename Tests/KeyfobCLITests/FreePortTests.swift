import KeyfobTestSupport
import Testing

/// The ports tests start their servers on: each one free when handed out, and never the same
/// twice in one test process, however many tests ask at once.
@Suite("free ports for test servers")
struct FreePortTests {
    @Test func portsAreNeverHandedOutTwice() async throws {
        // 400 draws from 12,768 numbers would repeat one with near certainty if nothing kept
        // track (the birthday bound puts a repeat past 99.8 %).
        let ports = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 { group.addTask { try (0..<50).map { _ in try FreePort.find() } } }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(ports.count == 400)
        #expect(Set(ports).count == ports.count)
        #expect(ports.allSatisfy { $0 < 32_768 }, "below the ephemeral range, which outgoing connections draw from")
    }
}
