import Foundation

/// A private PostgreSQL cluster in a temporary folder, started with the installed server binaries
/// (`initdb`, `pg_ctl`) on a free loopback port. Tests that stop and restart the database use their
/// own; the rest share one (`PostgresTestDatabase`).
public final class PostgresCluster: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    /// The superuser, with trust authentication on loopback.
    public let user = "keyfob"

    /// A URL for `database` on this cluster.
    public func url(database: String = "postgres") -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates and starts a cluster without blocking Swift's cooperative threads (initdb and
    /// `pg_ctl` take seconds, and tests run on two of them).
    public static func started() async throws -> PostgresCluster {
        try await offThePool { try PostgresCluster() }
    }

    /// Starts the server again, off the cooperative pool.
    public func restart() async throws {
        try await offThePool { try self.start() }
    }

    /// Stops the server, off the cooperative pool.
    public func halt() async throws {
        try await offThePool { try self.stop() }
    }

    /// Creates and starts a cluster. PostgreSQL refuses to run as root, so under root the server
    /// runs as the `postgres` system user the Debian package creates.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try FreePort.find()
        if getuid() == 0 { try Self.shell(["chown", "postgres:postgres", directory.path]) }
        try run("initdb", ["-D", dataDirectory, "-U", user, "-A", "trust", "-E", "UTF8", "--no-sync"])
        try start()
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        let settings = [
            "-p \(port)", "-k \(directory.path)", "-c listen_addresses=127.0.0.1", "-c max_connections=400",
            // Test data is thrown away: skip the flushes a real deployment needs.
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
        ]
        try run(
            "pg_ctl",
            [
                "-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60",
                "-o", settings.joined(separator: " "), "start",
            ]
        )
    }

    /// Stops the server at once (`-m fast`: open sessions are ended, committed data is kept).
    public func stop() throws {
        try run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
    }

    /// Stops the server if it runs (`-m immediate`: its data is thrown away next) and deletes its files.
    public func destroy() {
        try? run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let path = Self.binaries.appendingPathComponent(tool).path
        if getuid() == 0 {
            try Self.shell(["runuser", "-u", "postgres", "--", path] + arguments)
        } else {
            try Self.shell([path] + arguments)
        }
    }

    /// Where the server binaries are: `KEYFOB_TEST_POSTGRES_BIN`, else the newest Debian install.
    static let binaries: URL = {
        if let path = ProcessInfo.processInfo.environment["KEYFOB_TEST_POSTGRES_BIN"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let newest = versions.compactMap(Int.init).max().map(String.init) ?? "15"
        return root.appendingPathComponent(newest).appendingPathComponent("bin")
    }()

    @discardableResult
    static func shell(_ command: [String]) throws -> String {
        let result = try ChildProcess.runBlocking(command)
        guard result.status == 0 else {
            throw PostgresClusterError(description: "\(command.joined(separator: " ")) failed (\(result.status)):\n\(result.stdout)\(result.stderr)")
        }
        return result.stdout
    }
}

public struct PostgresClusterError: Error, CustomStringConvertible {
    public var description: String
}
