import Foundation
import KeyfobCore
import Testing

@Suite("security primitives")
struct SecurityPrimitivesTests {
    @Test func tokensAreLowercaseVersion4UUIDs() {
        for _ in 0..<100 {
            let token = TokenText.random(using: SystemRandomSource())
            #expect(token.count == 36)
            #expect(token == token.lowercased())
            #expect(Array(token)[14] == "4")
            #expect("89ab".contains(Array(token)[19]))
            #expect(TokenText.isWellFormed(token))
        }
    }

    @Test(arguments: [
        "", "abc", "cf7ba7e9-8c5d-417d-a99f-c386cfc235c", "cf7ba7e9-8c5d-417d-a99f-c386cfc235ccc", "cf7ba7e9x8c5d-417d-a99f-c386cfc235cc",
        "gf7ba7e9-8c5d-417d-a99f-c386cfc235cc",
    ])
    func malformedTokensAreRecognised(text: String) {
        #expect(!TokenText.isWellFormed(text))
    }

    @Test func uppercaseUUIDIsWellFormed() {
        #expect(TokenText.isWellFormed("CF7BA7E9-8C5D-417D-A99F-C386CFC235CC"))
    }

    /// RFC 7636 Appendix B's example.
    @Test func pkceS256MatchesTheRFCExample() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(PKCE.challenge(for: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.verifier(verifier, matches: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.verifier(verifier, matches: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"))
    }

    @Test(arguments: [String(repeating: "a", count: 42), String(repeating: "a", count: 129), String(repeating: "a", count: 42) + "!"])
    func pkceVerifierOutsideTheGrammarIsRefused(verifier: String) {
        #expect(!PKCE.isWellFormedVerifier(verifier))
        #expect(!PKCE.verifier(verifier, matches: PKCE.challenge(for: verifier)))
    }

    /// A known answer, computed apart from Keyfob (Python's `hmac`, then RFC 9562 version and
    /// variant bits): instances of different versions sharing one database must derive the same
    /// pair inside the grace window, so the derivation may never drift.
    @Test func rotationSuccessorsMatchAnIndependentHMAC() {
        let key = RotationKey(bytes: Data(repeating: 7, count: 32))
        let (access, refresh) = key.successors(of: "58b128ba-8e44-41ee-b9d1-0242ac120002")
        #expect(access == "b902d756-54c5-43d2-9b43-9e3333c783b7")
        #expect(refresh == "f7770ad5-d43e-4c81-82f1-9ca3e0ea72dc")
    }

    @Test func rotationSuccessorsAreDeterministicPerKeyAndToken() {
        let key = RotationKey(bytes: Data(repeating: 7, count: 32))
        let other = RotationKey(bytes: Data(repeating: 8, count: 32))
        let token = "58b128ba-8e44-41ee-b9d1-0242ac120002"
        #expect(key.successors(of: token) == key.successors(of: token))
        #expect(key.successors(of: token) != other.successors(of: token))
        #expect(key.successors(of: token) != key.successors(of: "58b128ba-8e44-41ee-b9d1-0242ac120003"))
        let (access, refresh) = key.successors(of: token)
        #expect(TokenText.isWellFormed(access) && TokenText.isWellFormed(refresh) && access != refresh)
    }

    @Test func digestComparisonIsExact() {
        #expect(SecretDigest.of("a").constantTimeEquals(.of("a")))
        #expect(!SecretDigest.of("a").constantTimeEquals(.of("b")))
        #expect(!SecretDigest.of("a").constantTimeEquals(SecretDigest(bytes: Data())))
    }

    /// Draws are made 256 bytes at a time; every size around that boundary comes back whole.
    @Test(arguments: [0, 1, 16, 255, 256, 257, 1_000])
    func systemRandomFillsEveryByteRequested(count: Int) {
        let draws = (0..<8).map { _ in SystemRandomSource().bytes(count) }
        #expect(draws.allSatisfy { $0.count == count })
        guard count >= 16 else { return }
        // Eight draws of 16+ bytes never repeat, and no draw ends in an unfilled run of zeros.
        #expect(Set(draws).count == draws.count)
        #expect(draws.allSatisfy { draw in draw.suffix(16).contains { $0 != 0 } })
    }

    @Test func clientSecretsCarry256BitsAsURLSafeText() {
        let secret = ClientSecret.generate(using: SystemRandomSource())
        #expect(secret.count == 43)
        #expect(secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    /// A source whose first draw would encode to a leading `-` (0xF8 → 62 in base64url).
    struct LeadingDashFirst: RandomSource {
        let draws = Draws()
        final class Draws: @unchecked Sendable { var count = 0 }
        func bytes(_ count: Int) -> [UInt8] {
            draws.count += 1
            return [draws.count == 1 ? 0xF8 : 0x00] + [UInt8](repeating: 0x41, count: count - 1)
        }
    }

    @Test func clientSecretsNeverStartWithADashThatCommandLinesTakeForAnOption() {
        let secret = ClientSecret.generate(using: LeadingDashFirst())
        #expect(!secret.hasPrefix("-"))
        #expect(secret.hasPrefix("A"))
        #expect((0..<2_000).allSatisfy { _ in !ClientSecret.generate(using: SystemRandomSource()).hasPrefix("-") })
    }

    @Test func previousSecretWorksOnlyUntilItsExpiry() {
        let now = Date()
        let app = ClientApplication(
            id: UUID(),
            name: "A",
            secretDigest: .of("new"),
            previousSecretDigest: .of("old"),
            previousSecretExpiresAt: now + 10,
            isPublic: false,
            redirectURIs: ["https://a.example/cb"],
            permissions: [],
            createdAt: now
        )
        #expect(app.acceptsSecret("new", at: now))
        #expect(app.acceptsSecret("old", at: now))
        #expect(!app.acceptsSecret("old", at: now + 10))
        #expect(!app.acceptsSecret("other", at: now))
    }
}

/// Request ids come from a pool refilled a page at a time (`PooledRandomSource`).
@Suite("pooled random bytes")
struct PooledRandomSourceTests {
    /// Hands out 0, 1, 2, … so a test can see which bytes of which draw came out.
    final class CountingSource: RandomSource, @unchecked Sendable {
        private let lock = NSLock()
        private var next: UInt8 = 0
        private(set) var draws = 0

        func bytes(_ count: Int) -> [UInt8] {
            lock.withLock {
                draws += 1
                return (0..<count).map { _ in
                    defer { next &+= 1 }
                    return next
                }
            }
        }
    }

    @Test func drawsAreHandedOutInOrderAndNeverTwice() {
        let source = CountingSource()
        let pool = PooledRandomSource(source: source, drawSize: 8)
        #expect(pool.bytes(3) == [0, 1, 2])
        #expect(pool.bytes(3) == [3, 4, 5])
        // Two bytes are left of the first draw: not enough, so the pool draws again.
        #expect(pool.bytes(3) == [8, 9, 10])
        #expect(source.draws == 2)
    }

    @Test func aRequestLargerThanTheDrawGoesToTheSourceWhole() {
        let source = CountingSource()
        let pool = PooledRandomSource(source: source, drawSize: 4)
        #expect(pool.bytes(6) == [0, 1, 2, 3, 4, 5])
        #expect(pool.bytes(4) == [6, 7, 8, 9])
    }

    @Test func requestIDsFromTheSystemPoolDiffer() {
        let pool = PooledRandomSource()
        let ids = (0..<2000).map { _ in UUIDText.random(using: pool) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { UUIDText.parse($0) != nil })
    }
}
