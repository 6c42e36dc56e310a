import Foundation

/// Application management tokens (AMTs): 256 bits from the CSPRNG, shown once, stored as a digest
/// (docs/contract.md §8).
public enum ManagementToken {
    /// A new token, in the same alphabet as client secrets.
    public static func generate(using random: any RandomSource) -> String {
        ClientSecret.generate(using: random)
    }

    /// Makes a new token for the application, storing only its digest; nil when there is no such
    /// application. The text is returned once, for the administrator to hand over.
    public static func issue(for applicationID: UUID, in store: any ManagementStore, random: any RandomSource) async throws -> String? {
        let token = generate(using: random)
        guard try await store.replaceManagementToken(of: applicationID, with: .of(token)) else { return nil }
        return token
    }
}
