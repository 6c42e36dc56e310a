import Foundation
import KeyfobConnect
import KeyfobPostgres
import KeyfobServer
import Logging
import PostgresNIO

/// A fresh, empty PostgreSQL database for one test, on the cluster `KEYFOB_TEST_POSTGRES_URL`
/// names (CI starts one) or else on a private cluster this test process starts once and stops at
/// exit. Like `TemporaryDatabase`, a real server, never a mock.
public struct PostgresTestDatabase: Sendable {
    public let name: String
    public let url: String

    /// Creates the database.
    public init() async throws {
        let admin = try await Self.adminURL()
        name = "keyfob_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        url = Self.replacingDatabase(in: admin, with: name)
        try await Self.administer(admin, "CREATE DATABASE \(name)")
    }

    /// Opens a store on it (running migrations). The deadline is generous: beside the whole suite
    /// on two cores a call can wait seconds for a thread, and a test of deadlines passes its own.
    public func open(
        isolation: PostgresOptions.Isolation? = nil,
        poolSize: Int = 4,
        operationTimeout: Duration = .seconds(30)
    ) async throws -> PostgresStore {
        KeyfobMetrics.bootstrapIfNeeded()
        return try await PostgresStore(
            url: PostgresURL(url),
            options: PostgresOptions(poolSize: poolSize, operationTimeout: operationTimeout, isolation: isolation),
            logger: Self.quiet
        )
    }

    static let quiet: Logger = {
        var logger = Logger(label: "keyfob.test.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Drops the database, ending any session still connected to it.
    public func remove() async {
        try? await Self.administer(try Self.adminURL(), "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on the cluster's `postgres` database over a one-off connection.
    public static func administer(_ adminURL: String, _ sql: String) async throws {
        let url = try PostgresURL(adminURL)
        var configuration = PostgresConnection.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: .disable
        )
        configuration.options.connectTimeout = TimeAmount.seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: quiet)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    static func replacingDatabase(in url: String, with database: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + database
        return components.string!
    }

    /// The cluster's admin URL: from the environment, else from the private cluster.
    static func adminURL() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["KEYFOB_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        return try await SharedCluster.instance.url()
    }
}

/// The private cluster, started on first use and stopped when the test process exits.
actor SharedCluster {
    static let instance = SharedCluster()
    private var cluster: Task<PostgresCluster, any Error>?

    func url() async throws -> String {
        if let cluster { return try await cluster.value.url() }
        let starting = Task { try await PostgresCluster.started() }
        cluster = starting
        let started = try await starting.value
        SharedClusterCleanup.register(started)
        return started.url()
    }
}

/// Stops the private cluster at exit, so no server outlives the tests.
enum SharedClusterCleanup {
    nonisolated(unsafe) static var cluster: PostgresCluster?

    static func register(_ cluster: PostgresCluster) {
        self.cluster = cluster
        atexit { SharedClusterCleanup.cluster?.destroy() }
    }
}
