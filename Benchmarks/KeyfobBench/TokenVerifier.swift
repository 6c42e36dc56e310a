import Foundation

/// Checks after a run that every 200 was real: each issued access token authenticates at
/// `/v2.0/user` (200 for user tokens; an application token is authenticated but carries no user,
/// so it must get 403 rather than 401).
struct TokenVerifier {
    let client: LoadClient

    struct Outcome {
        let checked: Int
        let failed: Int
    }

    func verify(_ tokens: [String], applicationTokens: Bool) async throws -> Outcome {
        let expected: UInt = applicationTokens ? 403 : 200
        let lanes = 32
        let failed = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var failures = 0
                    for index in stride(from: lane, to: tokens.count, by: lanes) where try await client.user(tokens[index]) != expected {
                        failures += 1
                    }
                    return failures
                }
            }
            return try await group.reduce(0, +)
        }
        return Outcome(checked: tokens.count, failed: failed)
    }
}
