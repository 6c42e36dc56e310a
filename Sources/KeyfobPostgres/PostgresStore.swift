import Foundation
import KeyfobCore
import Logging
import NIOSSL
import PostgresNIO

/// The shared store for several Keyfob instances: one PostgreSQL database (or a PostgreSQL-compatible
/// engine), reached through a connection pool. Every atomic rule is one transaction whose deciding
/// statement is a conditional `UPDATE … RETURNING`, so concurrent instances need no locks of their own.
public final class PostgresStore: Sendable {
    /// Where the store connects, password masked.
    public let url: PostgresURL
    let client: PostgresClient
    let options: PostgresOptions
    let logger: Logger
    /// Concurrent code redemptions, gathered into one transaction per batch (`redeemBatch`).
    let redemptions: BatchQueue<Data, CodeToRedeem, RedemptionResult?>
    private let runner: Task<Void, Never>

    /// Connects, starts the pool and runs pending migrations.
    public init(
        url: PostgresURL,
        options: PostgresOptions = PostgresOptions(),
        logger: Logger = Logger(label: "keyfob.postgres")
    )
        async throws
    {
        // The pool retries a refused connection quietly until the deadline; a wrong password or
        // database name deserves the server's own words at once.
        try await Self.probe(url, options, logger)
        self.url = url
        self.options = options
        self.logger = logger
        self.redemptions = BatchQueue(maxBatch: options.redemptionBatchSize, maxRunning: options.redemptionBatches)
        let client = PostgresClient(configuration: Self.configuration(url, options), backgroundLogger: logger)
        self.client = client
        PostgresPoolMetrics.opened(poolSize: options.poolSize)
        // The pool works only while `run()` runs. The store owns that task rather than asking every
        // caller (the server, each CLI command) to put the client in a service group.
        self.runner = Task { await client.run() }
        do {
            try await PostgresMigrations.migrate(self)
        } catch {
            runner.cancel()
            throw error
        }
    }

    deinit { runner.cancel() }

    /// Closes the pool. Calls made afterwards fail as unavailable.
    public func shutdown() { runner.cancel() }

    /// One connection outside the pool: a server that answers but refuses (authentication, no
    /// such database) is reported with its message; one that does not answer, as unavailable.
    private static func probe(_ url: PostgresURL, _ options: PostgresOptions, _ logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = try .prefer(.init(configuration: .makeClientConfiguration()))
        case .require: tls = try .require(.init(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: tls
        )
        let timeout = options.operationTimeout.components
        configuration.options.connectTimeout = .milliseconds(timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError where error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? "?"
            throw PostgresRefusedError(
                description: "PostgreSQL at \(url) refused the connection: \(error.serverInfo?[.message] ?? "no message") (SQLSTATE \(state))"
            )
        } catch {
            throw StoreUnavailableError("cannot connect to PostgreSQL at \(url): \(Self.reason(error, url: url, timeout: options.operationTimeout))")
        }
    }

    /// Why a connection failed, in words that tell a refused port from a name that does not
    /// resolve and from a server that does not answer.
    static func reason(_ error: any Error, url: PostgresURL, timeout: Duration) -> String {
        // PSQLError keeps its details out of `description`; its reflection names the cause. It is
        // only matched here, never printed: it may quote the connection's settings.
        let text = String(reflecting: error)
        if text.contains("UnknownHost") || text.contains("DNS error") {
            return "the host name \(url.host) does not resolve"
        }
        if text.contains("Connection refused") || text.contains("errno: 111") {
            return "the connection was refused: nothing listens on \(url.host):\(url.port)"
        }
        if text.lowercased().contains("timeout") || text.contains("timedOut") {
            return "no answer within \(timeout)"
        }
        return "the connection failed (\(type(of: error)))"
    }

    private static func configuration(_ url: PostgresURL, _ options: PostgresOptions) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: url.host,
            port: url.port,
            username: url.username,
            password: url.password,
            database: url.database,
            tls: tls
        )
        configuration.options.maximumConnections = options.poolSize
        configuration.options.connectTimeout = options.operationTimeout
        let timeout = options.operationTimeout.components
        let milliseconds = timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000
        var parameters = [
            ("application_name", "keyfob"),
            // The server gives up on a statement when Keyfob would, so nothing runs on unseen.
            ("statement_timeout", "\(milliseconds)"),
            // A transaction left open by a stalled instance must not hold row locks for long.
            ("idle_in_transaction_session_timeout", "\(milliseconds * 2)"),
        ]
        if let isolation = options.isolation {
            parameters.append(("default_transaction_isolation", isolation.rawValue))
        }
        configuration.options.additionalStartupParameters = parameters
        return configuration
    }
}

/// The server answered and refused: wrong credentials, no such database, too many connections.
public struct PostgresRefusedError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension PostgresStore: KeyStore {
    public func rotationKey() async throws -> Data {
        try await withConnection { connection in
            let rows = try await connection.query("SELECT value FROM keys WHERE name = 'rotation'", logger: self.logger)
            if let value = try await rows.decode(Data.self).firstAfterDraining() { return value }
            throw StoreUnavailableError("the rotation key is missing from the keys table")
        }
    }
}

extension PostgresStore: ReadinessProbe {
    public func checkReadiness() async throws {
        try await withConnection { connection in
            _ = try await connection.query("SELECT 1", logger: self.logger).collect()
        }
    }
}
