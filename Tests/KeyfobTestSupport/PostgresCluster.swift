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
        try run("pg_ctl", ["-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60",
                           "-o", settings.joined(separator: " "), "start"])
    }

    /// Stops the server at once (`-m fast`: open sessions are ended, committed data is kept).
    public func stop() throws {
        try run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
    }

    /// Stops the server if it runs and deletes its files.
    public func destroy() {
        try? stop()
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

    /// Runs a command to completion, its output captured in a file. It uses `posix_spawnp` and
    /// `waitpid` rather than Foundation's `Process`, whose `waitUntilExit` was seen never to return
    /// after `pg_ctl start` (whose server lives on).
    @discardableResult
    static func shell(_ command: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-pg-command-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, command[0], &actions, nil, arguments, environ)
        guard spawned == 0 else {
            throw PostgresClusterError(description: "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        // Exited normally (low 7 bits zero) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw PostgresClusterError(description: "\(command.joined(separator: " ")) failed (\(status)):\n\(text)")
        }
        return text
    }
}

public struct PostgresClusterError: Error, CustomStringConvertible {
    public var description: String
}
