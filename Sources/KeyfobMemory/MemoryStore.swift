import Foundation
import KeyfobConnect
import KeyfobCore
import KeyfobVehicles

/// Every store protocol, in memory: the reference backend a newcomer can read in one sitting, and
/// the store an embedder's unit tests run on. Nothing survives the process.
///
/// An actor, so each method is one atomic step, as each is one transaction in the SQL stores; the
/// rules of spending codes and tokens are the core's (`CodeRedemptionRule`,
/// `RefreshRotationRule`), carried out here as they are there.
public actor MemoryStore: OAuthStore, ConnectStore, VehicleStateStore {
    struct StoredCode {
        /// The family its redemption started; nil while unspent.
        var family: Int64?
        var code: AuthorizationCode
    }

    /// A token family: what every pair issued from one authorization shares.
    struct StoredFamily {
        let consentID: UUID
        let applicationID: UUID
        /// The grant type that started it.
        let origin: String
        let createdAt: Date
    }

    struct StoredAccessToken {
        var token: AccessToken
        let family: Int64?
    }

    struct StoredDeviceAuthorization {
        var record: DeviceAuthorization
        var wrongGuesses = 0
    }

    struct StoredRefreshToken {
        let applicationID: UUID
        let consentID: UUID
        let family: Int64
        let expiresAt: Date
        /// The DPoP key a public client's refresh token is bound to.
        var keyThumbprint: String?
        var usedAt: Date?
        var revoked = false
    }

    var applicationRecords: [UUID: ClientApplication] = [:]
    var ownerRecords: [UUID: Owner] = [:]
    /// Owner ids in the order they were added, for `owners(mode:)`'s oldest first.
    var ownerOrder: [UUID] = []
    var vehiclesByOwner: [UUID: [Vehicle]] = [:]
    var consentRecords: [UUID: Consent] = [:]
    var codes: [SecretDigest: StoredCode] = [:]
    var accessTokens: [SecretDigest: StoredAccessToken] = [:]
    var refreshTokens: [SecretDigest: StoredRefreshToken] = [:]
    var sessions: [SecretDigest: ConnectSession] = [:]
    var loginFailures: [String: LoginFailures] = [:]
    var resourceServerRecords: [UUID: ResourceServer] = [:]
    var families: [Int64: StoredFamily] = [:]
    var vehicleStates: [UUID: StoredVehicleState] = [:]
    var nextFamily: Int64 = 0
    /// Management token digests and their applications.
    var managementTokens: [SecretDigest: UUID] = [:]
    /// Device authorizations by user code digest, and the user code digest of each device code.
    var deviceAuthorizations: [SecretDigest: StoredDeviceAuthorization] = [:]
    var userCodesByDeviceCode: [SecretDigest: SecretDigest] = [:]
    /// Pushed authorize requests (RFC 9126) by request_uri digest.
    var pushedRequests: [SecretDigest: PushedAuthorizationRequest] = [:]
    /// DPoP proofs accepted (RFC 9449), until they are too old to be accepted again.
    var dpopProofs: [SecretDigest: Date] = [:]
    /// Signing keys for JWT access tokens, private halves sealed.
    var signingKeyRecords: [SigningKeyRecord] = []
    let key: Data

    /// An empty store with a fresh rotation key.
    public init(random: any RandomSource = SystemRandomSource()) {
        key = Data(random.bytes(32))
    }

    // MARK: KeyStore, ReadinessProbe

    public func rotationKey() -> Data { key }

    public func checkReadiness() {}

    // MARK: ApplicationStore

    public func insertApplication(_ application: ClientApplication) {
        applicationRecords[application.id] = application
    }

    public func application(id: UUID) -> ClientApplication? { applicationRecords[id] }

    public func applications() -> [ClientApplication] {
        applicationRecords.values.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    public func replaceSecret(of id: UUID, with digest: SecretDigest, previousExpiresAt: Date?) -> Bool {
        guard var application = applicationRecords[id], !application.isPublic else { return false }
        application.previousSecretDigest = application.secretDigest
        application.previousSecretExpiresAt = previousExpiresAt
        application.secretDigest = digest
        application.version += 1
        applicationRecords[id] = application
        return true
    }

    public func deleteApplication(id: UUID) -> Bool {
        // Its codes and tokens stay until they expire, as in the SQL stores: every lookup needs
        // the application, so they stop working now.
        consentRecords = consentRecords.filter { $0.value.applicationID != id }
        return applicationRecords.removeValue(forKey: id) != nil
    }

    // MARK: ResourceServerStore

    public func insertResourceServer(_ server: ResourceServer) { resourceServerRecords[server.id] = server }

    public func resourceServer(id: UUID) -> ResourceServer? { resourceServerRecords[id] }

    public func resourceServers() -> [ResourceServer] {
        resourceServerRecords.values.sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
    }

    public func deleteResourceServer(id: UUID) -> Bool { resourceServerRecords.removeValue(forKey: id) != nil }

    // MARK: OwnerStore

    public func insertOwner(_ owner: Owner, vehicles: [Vehicle]) throws {
        let key = owner.email.lowercased()
        guard !ownerRecords.values.contains(where: { $0.mode == owner.mode && $0.email.lowercased() == key }) else {
            throw DuplicateOwnerError(email: owner.email)
        }
        ownerRecords[owner.id] = owner
        ownerOrder.append(owner.id)
        vehiclesByOwner[owner.id] = vehicles
    }

    public func owner(email: String, mode: ConnectMode) -> Owner? {
        ownerRecords.values.first { $0.mode == mode && $0.email.lowercased() == email.lowercased() }
    }

    public func owner(id: UUID) -> Owner? { ownerRecords[id] }

    public func owners(mode: ConnectMode) -> [Owner] {
        ownerOrder.compactMap { ownerRecords[$0] }.filter { $0.mode == mode }
    }

    public func vehicles(ownerID: UUID) -> [Vehicle] { vehiclesByOwner[ownerID] ?? [] }

    public func replacePasswordHash(ownerID: UUID, with hash: String) -> Bool {
        guard ownerRecords[ownerID] != nil else { return false }
        ownerRecords[ownerID]?.passwordHash = hash
        return true
    }

    public func deleteOwner(id: UUID) -> Bool {
        guard ownerRecords.removeValue(forKey: id) != nil else { return false }
        ownerOrder.removeAll { $0 == id }
        vehiclesByOwner[id] = nil
        let consents = Set(consentRecords.values.filter { $0.ownerID == id }.map(\.id))
        consentRecords = consentRecords.filter { !consents.contains($0.key) }
        for (digest, stored) in accessTokens where stored.token.consentID.map(consents.contains) == true {
            accessTokens[digest]?.token.revoked = true
        }
        for (digest, stored) in refreshTokens where consents.contains(stored.consentID) { refreshTokens[digest]?.revoked = true }
        return true
    }

    public func vehicle(id: UUID) -> Vehicle? {
        vehiclesByOwner.values.lazy.flatMap { $0 }.first { $0.id == id }
    }

    // MARK: VehicleStateStore

    public func vehicleState(id: UUID) -> StoredVehicleState? { vehicleStates[id] }

    public func saveVehicleState(_ state: VehicleState, id: UUID, replacing version: Int64?) -> Bool {
        guard vehicleStates[id]?.version == version else { return false }
        vehicleStates[id] = StoredVehicleState(state: state, version: (version ?? 0) + 1)
        return true
    }

    // MARK: ConsentStore

    public func insertConsent(_ grant: Consent, codes issued: [AuthorizationCode]) {
        consentRecords[grant.id] = grant
        for code in issued { codes[code.digest] = StoredCode(family: nil, code: code) }
    }

    public func consent(id: UUID) -> Consent? { consentRecords[id] }

    public func latestConsent(applicationID: UUID, ownerID: UUID) -> Consent? {
        consentRecords.values.filter { $0.applicationID == applicationID && $0.ownerID == ownerID }.max { $0.createdAt < $1.createdAt }
    }

    public func removeVehicle(_ vehicleID: UUID, fromConsent consentID: UUID) -> Bool {
        guard var grant = consentRecords[consentID], let index = grant.vehicleIDs.firstIndex(of: vehicleID) else { return false }
        grant.vehicleIDs.remove(at: index)
        consentRecords[consentID] = grant
        return true
    }

    // MARK: ConnectSessionStore

    public func insertSession(_ session: ConnectSession) { sessions[session.digest] = session }

    public func session(digest: SecretDigest) -> ConnectSession? { sessions[digest] }

    public func deleteSession(digest: SecretDigest) -> Bool { sessions.removeValue(forKey: digest) != nil }

    // MARK: LoginFailureStore

    public func loginFailures(emailKey: String, at now: Date) -> LoginFailures? {
        loginFailures[emailKey].flatMap { $0.windowEndsAt > now ? $0 : nil }
    }

    @discardableResult
    public func recordLoginFailure(emailKey: String, at now: Date, window: TimeInterval) -> LoginFailures {
        var failures = loginFailures[emailKey] ?? LoginFailures(count: 0, windowEndsAt: now + window)
        if failures.windowEndsAt <= now { failures = LoginFailures(count: 0, windowEndsAt: now + window) }
        failures.count += 1
        loginFailures[emailKey] = failures
        return failures
    }

    public func clearLoginFailures(emailKey: String) { loginFailures[emailKey] = nil }
}
