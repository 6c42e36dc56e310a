import Foundation

/// How a `PostgresStore` reaches its database and how long it waits for it.
public struct PostgresOptions: Sendable {
    /// The most connections this process opens (each Keyfob instance has its own pool).
    public var poolSize: Int = 20
    /// The longest a store call may take, waiting for a connection included. Past it the call fails
    /// with `StoreUnavailableError` (503 to clients) and the server-side statement is cancelled.
    public var operationTimeout: Duration = .seconds(5)
    /// How often a transaction that lost a serialization race (SQLSTATE 40001, 40P01) is tried again
    /// before the call fails as unavailable.
    public var serializationAttempts: Int = 8
    /// The isolation level for Keyfob's transactions; nil keeps the database's default. Every
    /// atomic rule is correct under both.
    public var isolation: Isolation?
    /// The most code redemptions one transaction serves (`PostgresStore.redeemBatch`).
    public var redemptionBatchSize: Int = 64
    /// How many redemption batches run at once, each on a connection of its own; redemptions that
    /// arrive while all run wait for the next batch. One, like SQLite's single writer: on two
    /// cores shared with PostgreSQL, more batches at once only split the same CPU into smaller
    /// batches (BENCHMARKS.md, "On PostgreSQL: two instances, batched redemptions").
    public var redemptionBatches: Int = 1

    /// Transaction isolation levels Keyfob supports.
    public enum Isolation: String, Sendable, CaseIterable {
        case readCommitted = "read committed"
        case serializable
    }

    public init(poolSize: Int = 20, operationTimeout: Duration = .seconds(5), isolation: Isolation? = nil) {
        self.poolSize = poolSize
        self.operationTimeout = operationTimeout
        self.isolation = isolation
    }
}

/// The parts of a `postgres://user:password@host:port/database?sslmode=…` URL.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// TLS to the server, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS or fail, with the server's certificate verified against the system's roots.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses a URL; the error says what is wrong, without echoing the password.
    public init(_ text: String) throws(PostgresURLError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text)
        else { throw PostgresURLError("expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw PostgresURLError("the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw PostgresURLError("the URL names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw PostgresURLError("the URL names no database (…/DATABASE)") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw PostgresURLError("unknown URL parameter \(item.name)") }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw PostgresURLError("sslmode must be disable, prefer or require")
            }
            tls = mode
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? user
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    /// The URL with the password masked, for logs and messages.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}

/// A `--database postgres://…` URL that cannot be used.
public struct PostgresURLError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = "invalid PostgreSQL URL: " + description }
}
