import Foundation

/// A child process started with `posix_spawn`, its output in files.
///
/// Tests use this rather than Foundation's `Process`: with more than 1,024 descriptors open (the
/// whole suite running in parallel gets there) `Process.run` was seen to crash, and its monitor
/// thread `select()`s on descriptor sets that cannot hold such numbers. The child also inherits
/// none of this process's descriptors, so a server it starts cannot keep our sockets open.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `arguments[0]` (looked up in PATH) with stdin from /dev/null and stdout and stderr
    /// appended to `output`.
    /// `environment` is added to this process's own for the child.
    public init(_ arguments: [String], output: URL, errors: URL? = nil, input: URL? = nil, environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input?.path ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        Self.closeOtherDescriptors(&actions)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ChildProcessError(description: "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
    }

    /// Whether it still runs (reaps it if it has ended).
    public var isRunning: Bool {
        lock.withLock {
            guard exitStatus == nil else { return false }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return true }
            exitStatus = status
            return false
        }
    }

    /// Blocks until it ends; its exit code (128 + signal when a signal ended it).
    @discardableResult
    public func wait() -> Int32 {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                exitStatus = status
            }
            let status = exitStatus!
            return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }

    /// Sends a signal.
    public func signal(_ number: Int32) { _ = kill(pid, number) }

    /// Runs a command to completion off Swift's cooperative threads; its exit code and output.
    public static func run(
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String] = [:]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await offThePool { try runBlocking(arguments, input: input, environment: environment) }
    }

    /// Runs a command to completion on this thread.
    /// `input` becomes the command's standard input (else /dev/null).
    public static func runBlocking(
        _ arguments: [String],
        input: Data? = nil,
        environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-child-\(UUID().uuidString)")
        let out = base.appendingPathExtension("out")
        let err = base.appendingPathExtension("err")
        let inFile = base.appendingPathExtension("in")
        defer {
            for file in [out, err, inFile] { try? FileManager.default.removeItem(at: file) }
        }
        if let input { try input.write(to: inFile) }
        let child = try ChildProcess(arguments, output: out, errors: err, input: input == nil ? nil : inFile, environment: environment)
        // A command that should have stopped but serves instead (a regression) fails its test,
        // rather than hanging the suite.
        let watchdog = DispatchWorkItem { if child.isRunning { child.signal(SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let status = child.wait()
        watchdog.cancel()
        func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        return (status, text(out), text(err))
    }

    /// Adds "close every descriptor from 3 up" to `actions`. glibc (2.34+) has that action, but
    /// Swift's Glibc module does not show it, so it is looked up at run time.
    private static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
}

/// Runs blocking work on a thread of its own and awaits it.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
