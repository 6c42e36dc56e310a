import Foundation
import KeyfobCore
import KeyfobMemory
import Testing

/// The device grant's rules, apart from any store: user codes and the verdicts of RFC 8628 §3.5.
@Suite("device code rules")
struct DeviceCodeRuleTests {
    static let client = UUID()
    static let now = Date(timeIntervalSince1970: 2_000_000_000)

    static func record(_ status: DeviceAuthorization.Status = .pending, lastPolledAt: Date? = nil, expiresAt: Date = now + 600) -> DeviceAuthorization
    {
        let code = UserCode.random(using: SystemRandomSource())
        return DeviceAuthorization(
            deviceCodeDigest: .of("device"),
            userCodeDigest: code.digest,
            userCodeGroupDigest: code.groupDigest,
            applicationID: client,
            scope: ["read_vin"],
            mode: "test",
            status: status,
            interval: 5,
            lastPolledAt: lastPolledAt,
            expiresAt: expiresAt
        )
    }

    @Test func userCodesAreEightConsonantsShownWithADash() throws {
        for _ in 0..<200 {
            let code = UserCode.random(using: SystemRandomSource())
            #expect(code.letters.count == 8 && code.letters.allSatisfy(UserCode.alphabet.contains))
            #expect(code.display.count == 9 && code.display.dropFirst(4).first == "-")
            #expect(try UserCode.parse(code.display.lowercased()) == code)
            #expect(try UserCode.parse(code.letters) == code)
        }
        #expect(UserCode.alphabet.count == 20 && !UserCode.alphabet.contains { "AEIOUY0123456789".contains($0) })
        #expect(throws: UserCode.Malformed.wrongLength) { try UserCode.parse("BCD-FGH") }
        #expect(throws: UserCode.Malformed.wrongCharacters) { try UserCode.parse("BCDF-GHJA") }
        #expect(try UserCode.parse(" bcdf ghjk ").display == "BCDF-GHJK")
    }

    @Test func pollVerdictsFollowTheRecord() {
        let poll = { (record: DeviceAuthorization?, client: UUID) in DeviceCodeRule.pollVerdict(for: record, presentedBy: client, at: Self.now) }
        #expect(poll(nil, Self.client) == .unknown)
        #expect(poll(Self.record(), UUID()) == .unknown)
        #expect(poll(Self.record(), Self.client) == .pending)
        let consent = UUID()
        #expect(poll(Self.record(.approved(consentID: consent)), Self.client) == .issue(consentID: consent))
        #expect(poll(Self.record(.denied), Self.client) == .denied)
        #expect(poll(Self.record(.issued), Self.client) == .spent)
        // Spent outranks expired: a second poll after issue is never told to start again.
        #expect(poll(Self.record(.issued, expiresAt: Self.now), Self.client) == .spent)
        #expect(poll(Self.record(.approved(consentID: consent), expiresAt: Self.now), Self.client) == .expired)
        #expect(poll(Self.record(.denied, expiresAt: Self.now - 1), Self.client) == .expired)
    }

    @Test func pollingFasterThanTheIntervalSlowsTheDeviceDown() {
        let poll = { (last: TimeInterval) in
            DeviceCodeRule.pollVerdict(for: Self.record(lastPolledAt: Self.now - last), presentedBy: Self.client, at: Self.now)
        }
        #expect(poll(0) == .slowDown(interval: 10))
        #expect(poll(4.4) == .slowDown(interval: 10))
        // Within the tolerance, and after the interval: on time.
        #expect(poll(4.6) == .pending)
        #expect(poll(6) == .pending)
        // An approved device is never slowed down: it gets its pair.
        let approved = Self.record(.approved(consentID: UUID()), lastPolledAt: Self.now)
        #expect(DeviceCodeRule.pollVerdict(for: approved, presentedBy: Self.client, at: Self.now) != .slowDown(interval: 10))
    }

    @Test func entryVerdictsFollowTheRecord() {
        #expect(DeviceCodeRule.entryVerdict(for: nil, at: Self.now) == .unknown)
        #expect(DeviceCodeRule.entryVerdict(for: Self.record(), at: Self.now) == .decide)
        #expect(DeviceCodeRule.entryVerdict(for: Self.record(expiresAt: Self.now), at: Self.now) == .expired)
        #expect(DeviceCodeRule.entryVerdict(for: Self.record(.denied), at: Self.now) == .decided)
        #expect(DeviceCodeRule.entryVerdict(for: Self.record(.approved(consentID: UUID())), at: Self.now) == .decided)
    }

    @Test func registrationsNameKnownGrantTypes() async throws {
        let registrar = ApplicationRegistrar(store: MemoryStore())
        let register = { (grantTypes: [String]?) in
            try await registrar.register(
                name: "Car",
                redirectURIs: ["https://app.example/cb"],
                permissions: nil,
                isPublic: false,
                grantTypes: grantTypes
            )
        }
        #expect(try await register(nil).application.allowedGrantTypes == GrantType.defaults)
        let device = try await register(["device_code", "refresh_token", "device_code"]).application
        #expect(device.grantTypes == [GrantType.refreshToken, GrantType.deviceCode])
        #expect(device.allows(GrantType.deviceCode) && !device.allows(GrantType.authorizationCode))
        // A grant type of an embedder's own is its grant's to judge.
        #expect(device.allows("urn:example:own"))
        await #expect(throws: ApplicationRegistrar.InvalidRegistration.self) { _ = try await register(["password"]) }
        await #expect(throws: ApplicationRegistrar.InvalidRegistration.self) { _ = try await register([]) }
    }
}
