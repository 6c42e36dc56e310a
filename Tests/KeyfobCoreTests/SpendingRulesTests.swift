import Foundation
import KeyfobCore
import Testing

/// The rules every store carries out when a code or a refresh token is presented, judged alone:
/// stored state and the clock in, a verdict out.
@Suite("spending rules")
struct SpendingRulesTests {
    let client = UUID()
    let other = UUID()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func code(consumed: Bool = false, expiresIn: TimeInterval = 600, of owner: UUID? = nil) -> CodeRedemptionRule.Stored {
        .init(applicationID: owner ?? client, consumedAt: consumed ? now - 5 : nil, expiresAt: now + expiresIn)
    }

    @Test func aLiveCodeOfTheClientIsConsumed() {
        #expect(CodeRedemptionRule.verdict(for: code(), presentedBy: client, at: now) == .consume)
    }

    @Test func aSpentCodeIsAReplayEvenOnceExpired() {
        #expect(CodeRedemptionRule.verdict(for: code(consumed: true), presentedBy: client, at: now) == .replay)
        #expect(CodeRedemptionRule.verdict(for: code(consumed: true, expiresIn: -1), presentedBy: client, at: now) == .replay)
        #expect(CodeRedemptionRule.Verdict.replay.refusal == .replayed)
    }

    @Test func anExpiredCodeIsExpiredAtItsVeryEnd() {
        #expect(CodeRedemptionRule.verdict(for: code(expiresIn: 0), presentedBy: client, at: now) == .expired)
        #expect(CodeRedemptionRule.verdict(for: code(expiresIn: 0.001), presentedBy: client, at: now) == .consume)
    }

    @Test func anotherClientsCodeOrNoneIsUnknownAndSpentOrNotAlike() {
        #expect(CodeRedemptionRule.verdict(for: code(of: other), presentedBy: client, at: now) == .unknown)
        #expect(CodeRedemptionRule.verdict(for: code(consumed: true, of: other), presentedBy: client, at: now) == .unknown)
        #expect(CodeRedemptionRule.verdict(for: nil, presentedBy: client, at: now) == .unknown)
    }

    func token(
        revoked: Bool = false,
        usedSecondsAgo: TimeInterval? = nil,
        expiresIn: TimeInterval = 86_400,
        of owner: UUID? = nil
    )
        -> RefreshRotationRule.Stored
    {
        .init(applicationID: owner ?? client, revoked: revoked, usedAt: usedSecondsAgo.map { now - $0 }, expiresAt: now + expiresIn)
    }

    @Test func aFreshRefreshTokenRotates() {
        #expect(RefreshRotationRule.verdict(for: token(), presentedBy: client, at: now, grace: 60) == .rotate)
    }

    @Test func aUsedTokenRepeatsInsideTheGraceAndIsAReuseAfterIt() {
        #expect(
            RefreshRotationRule.verdict(for: token(usedSecondsAgo: 60), presentedBy: client, at: now, grace: 60)
                == .repeatFirstUse(firstUsedAt: now - 60)
        )
        #expect(RefreshRotationRule.verdict(for: token(usedSecondsAgo: 60.5), presentedBy: client, at: now, grace: 60) == .reuse)
        #expect(RefreshRotationRule.Verdict.reuse.refusal == .reused)
    }

    @Test func revokedBeatsEverythingButOwnership() {
        #expect(RefreshRotationRule.verdict(for: token(revoked: true, usedSecondsAgo: 1), presentedBy: client, at: now, grace: 60) == .revoked)
        #expect(RefreshRotationRule.verdict(for: token(revoked: true, of: other), presentedBy: client, at: now, grace: 60) == .unknown)
    }

    @Test func anExpiredUnusedTokenIsExpired() {
        #expect(RefreshRotationRule.verdict(for: token(expiresIn: 0), presentedBy: client, at: now, grace: 60) == .expired)
        #expect(RefreshRotationRule.verdict(for: nil, presentedBy: client, at: now, grace: 60) == .unknown)
    }
}
