import Foundation
import Hummingbird
import KeyfobConnect
import KeyfobCore
import KeyfobSQLite
import KeyfobServer
import Logging

/// A Keyfob server running for real on loopback (port picked by the OS) over a fresh store — a
/// temporary SQLite file unless a test names another backend — with a manual clock so tests can
/// move time.
public struct TestServer: Sendable {
    public let baseURL: String
    public let store: any Store
    public let clock: ManualWallClock
    /// The SQLite file, for tests that lock it from outside; nil on other backends.
    public let sqliteFile: TemporaryDatabase?

    public var tokenURL: String { baseURL + "/oauth/token" }
    /// The loopback port the server listens on.
    public var port: Int { Int(baseURL.split(separator: ":").last!)! }

    /// Runs `body` against a fresh server, then stops it and removes its database.
    public static func with<T: Sendable>(
        backend: StoreBackend = .sqlite,
        policy: TokenPolicy = TokenPolicy(),
        busyTimeout: TimeInterval = 5,
        callTimeout: Duration = .seconds(5),
        publicBaseURL: String? = nil,
        configure: @Sendable (inout KeyfobConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        if backend == .sqlite {
            let database = TemporaryDatabase()
            defer { database.remove() }
            let store = try await database.open(busyTimeout: busyTimeout, callTimeout: callTimeout)
            return try await serve(
                store,
                sqliteFile: database,
                policy: policy,
                publicBaseURL: publicBaseURL,
                configure: configure,
                body
            )
        }
        return try await backend.withFreshStore { store in
            try await serve(store, sqliteFile: nil, policy: policy, publicBaseURL: publicBaseURL, configure: configure, body)
        }
    }

    /// Runs `body` against a server over a store the test opened itself (a second instance on
    /// the same database, say), on `clock`.
    public static func serving<T: Sendable>(
        _ store: any Store,
        clock: ManualWallClock = ManualWallClock(),
        configure: @Sendable (inout KeyfobConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await serve(store, sqliteFile: nil, policy: TokenPolicy(), publicBaseURL: nil, clock: clock, configure: configure, body)
    }

    private static func serve<T: Sendable>(
        _ store: any Store,
        sqliteFile: TemporaryDatabase?,
        policy: TokenPolicy,
        publicBaseURL: String?,
        clock: ManualWallClock = ManualWallClock(),
        configure: (inout KeyfobConfiguration) -> Void,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        var configuration = KeyfobConfiguration()
        configuration.port = 0
        configuration.clock = clock
        configuration.policy = policy
        configuration.cleanupInterval = nil
        configuration.baseURL = publicBaseURL
        configure(&configuration)
        var logger = Logger(label: "keyfob.test")
        logger.logLevel = .critical

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = try await buildApplication(configuration: configuration, store: store, logger: logger) { port in
            portContinuation.yield(port)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let server = TestServer(
                baseURL: "http://127.0.0.1:\(port)",
                store: store,
                clock: clock,
                sqliteFile: sqliteFile
            )
            do {
                let result = try await body(server)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

extension TestServer {
    /// Two Keyfob instances on one fresh PostgreSQL database, sharing one clock: what several
    /// instances behind a load balancer are.
    public static func twoInstancesOnOnePostgres<T: Sendable>(
        configure: @escaping @Sendable (inout KeyfobConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer, TestServer) async throws -> T
    ) async throws -> T {
        let database = try await PostgresTestDatabase()
        let first = try await database.open(isolation: .readCommitted)
        let second = try await database.open(isolation: .readCommitted)
        defer {
            first.shutdown()
            second.shutdown()
            Task { await database.remove() }
        }
        return try await serving(first, configure: configure) { one in
            try await serving(second, clock: one.clock, configure: configure) { other in try await body(one, other) }
        }
    }
}
