import Foundation
import KeyfobCore
import KeyfobServer
import KeyfobTestSupport

/// A pair to write, with the token texts whose digests it carries.
func pair(at now: Date) -> (PairToIssue, access: String, refresh: String) {
    let access = UUID().uuidString.lowercased()
    let refresh = UUID().uuidString.lowercased()
    return (
        PairToIssue(accessDigest: .of(access), accessExpiresAt: now + 7200, refreshDigest: .of(refresh), refreshExpiresAt: now + 86400), access,
        refresh
    )
}

/// A fresh app whose code was just redeemed, with the token texts it issued.
struct Redeemed {
    let app: Fixtures.App
    let now: Date
    let issued: PairToIssue
    let access: String
    let refresh: String
    let outcome: CodeRedemption
}

/// Redeems `code` for `app` with a check that accepts it, issuing a fresh pair.
func redeemAccepted(_ store: any Store, code: String, app: Fixtures.App, at now: Date) async throws -> CodeRedemption {
    try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: pair(at: now).0)
}

func redeemFreshCode(_ store: any Store, _ fixtures: Fixtures) async throws -> Redeemed {
    let app = try await fixtures.app()
    let code = try await fixtures.code(for: app)
    let now = Date()
    let (issue, access, refresh) = pair(at: now)
    let outcome = try await store.redeem(code: .of(code), by: app.application.clientVersion, at: now, check: { _ in }, issuing: issue)
    return Redeemed(app: app, now: now, issued: issue, access: access, refresh: refresh, outcome: outcome)
}
