import KeyfobConnect
import KeyfobSQLite
import Logging

/// Every setting `keyfob` reads, in one list: the names a config file may use, and their defaults.
/// `--help` shows the same defaults; `serve --print-config` shows each with where it came from.
enum SettingCatalogue {
    // The store: every command that opens it.
    static let database = Setting<String>("database", default: "sqlite:keyfob.sqlite", secret: true)
    static let sqliteSynchronous = Setting<SQLiteStore.Durability>("sqlite-synchronous", default: .full)
    static let dbPoolSize = Setting<Int>("db-pool-size", default: 20)
    static let dbTimeout = Setting<TimeSpan>("db-timeout", default: TimeSpan(argument: "5s")!)
    static let maxPendingWrites = Setting<Int>("max-pending-writes", default: 1024)
    static let maxWriteWait = Setting<TimeSpan>("max-write-wait", default: TimeSpan(argument: "0")!)
    static let sqliteCreateMissing = Setting<Bool>("sqlite-create-missing", default: false)

    // The server.
    static let host = Setting<String>("host", default: "127.0.0.1")
    static let port = Setting<Int>("port", default: 8080)
    static let baseURL = Setting<String?>("base-url", default: nil)
    static let noDemoApp = Setting<Bool>("no-demo-app", default: false)
    static let logLevel = Setting<Logger.Level>("log-level", default: .info)
    static let logFormat = Setting<Output.LogFormat>("log-format", default: .text)
    static let idleTimeout = Setting<TimeSpan>("idle-timeout", default: TimeSpan(argument: "15s")!)
    static let bodyTimeout = Setting<TimeSpan>("body-timeout", default: TimeSpan(argument: "15s")!)
    static let vehicleAPI = Setting<ServeCommand.Switch>("vehicle-api", default: .on)
    static let connectModes = Setting<[ConnectMode]>("connect-modes", default: ConnectMode.allCases)
    static let trustedProxies = Setting<[String]>("trusted-proxy", default: [])
    static let apiCallsPerToken = Setting<Int>("api-calls-per-token", default: 300)
    static let dpopNonces = Setting<ServeCommand.Switch>("dpop-nonces", default: .off)
    static let clientAuthFailures = Setting<Int>("client-auth-failures", default: 20)
    static let maxPendingLogins = Setting<Int>("max-pending-logins", default: 32)
    static let maxTokenRequests = Setting<Int>("max-token-requests", default: 128)
    static let metricsPort = Setting<Int?>("metrics-port", default: nil)
    static let metricsHost = Setting<String>("metrics-host", default: "127.0.0.1")

    /// The keys a config file may hold. `SettingsTests` checks `--print-config` shows exactly these.
    static let names: [String] = [
        database.name, sqliteSynchronous.name, dbPoolSize.name, dbTimeout.name, maxPendingWrites.name, maxWriteWait.name,
        sqliteCreateMissing.name,
        host.name, port.name, baseURL.name, noDemoApp.name, logLevel.name, logFormat.name, idleTimeout.name, bodyTimeout.name,
        vehicleAPI.name, connectModes.name, trustedProxies.name, apiCallsPerToken.name, dpopNonces.name, clientAuthFailures.name,
        maxPendingLogins.name, maxTokenRequests.name, metricsPort.name, metricsHost.name,
    ]
}

extension SQLiteStore.Durability: SettingValue, SettingWord {}
extension ConnectMode: SettingWord {}
extension ServeCommand.Switch: SettingValue, SettingWord {}

extension Resolved {
    /// Stops start-up when the value breaks a rule, naming the place it was set: `--port`,
    /// `KEYFOB_PORT`, or `port in keyfob.yaml`.
    func require(_ rule: String, _ holds: (Value) -> Bool) throws {
        guard !holds(value) else { return }
        throw CommandFailure("\(place) must be \(rule).")
    }

    var place: String {
        switch source {
        case .flag, .defaultValue: setting.flag
        case .environment(let name): name
        case .file(let path): "\(setting.name) in \(path)"
        }
    }
}
