import Foundation
import KeyfobTestSupport
import Testing

/// `keyfob serve` settings from flags, `KEYFOB_*` and `--config FILE` (CONTRACT §9): the
/// precedence, the masked `--print-config`, and one line naming each bad key or value.
@Suite("Settings: flags, environment, config file")
struct SettingsTests {
    /// Every key docs/operations.md lists, in `--print-config`'s order.
    static let documentedKeys = [
        "database", "sqlite-synchronous", "db-pool-size", "db-timeout", "max-pending-writes", "max-write-wait",
        "sqlite-create-missing",
        "host", "port", "base-url", "no-demo-app", "log-level", "log-format", "idle-timeout", "body-timeout", "vehicle-api",
        "connect-modes", "trusted-proxy", "api-calls-per-token", "dpop-nonces", "client-auth-failures", "max-pending-logins",
        "max-token-requests",
        "metrics-port",
        "metrics-host",
    ]

    /// A config file in a folder of its own, removed by `remove()`.
    struct ConfigFile {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keyfob-config-\(UUID().uuidString)")
        let path: String

        init(name: String, _ text: String) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            path = directory.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    /// `--print-config`'s lines as name → (value, source).
    static func printedSettings(_ stdout: String) -> [String: (value: String, source: String)] {
        var settings = [String: (value: String, source: String)]()
        for line in stdout.split(separator: "\n") {
            let parts = line.components(separatedBy: " = ")
            guard parts.count == 2, let open = parts[1].range(of: "  (", options: .backwards) else { continue }
            settings[parts[0]] = (String(parts[1][..<open.lowerBound]), String(parts[1][open.upperBound...].dropLast()))
        }
        return settings
    }

    @Test func printConfigShowsEverySettingOnceWithItsDefault() async throws {
        let result = try await KeyfobProcess.run(["serve", "--print-config"], environment: ["KEYFOB_CONFIG": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let names = result.stdout.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        #expect(names == Self.documentedKeys)
        let settings = Self.printedSettings(result.stdout)
        #expect(settings["port"]?.value == "8080" && settings["port"]?.source == "default")
        #expect(settings["database"]?.value == "sqlite:keyfob.sqlite")
        #expect(settings["metrics-port"]?.value == "(unset)")
    }

    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() async throws {
        let file = try ConfigFile(
            name: "keyfob.yaml",
            """
            # A comment, as operators write them.
            port: 9000
            host: 10.0.0.5
            log-format: json
            connect-modes: [live]
            idle-timeout: 30s
            """
        )
        defer { file.remove() }
        let result = try await KeyfobProcess.run(
            ["serve", "--config", file.path, "--print-config", "--host", "0.0.0.0"],
            environment: ["KEYFOB_PORT": "9100", "KEYFOB_CLIENT_AUTH_FAILURES": "7"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let settings = Self.printedSettings(result.stdout)
        #expect(settings["host"]?.value == "0.0.0.0" && settings["host"]?.source == "flag")
        #expect(settings["port"]?.value == "9100" && settings["port"]?.source == "KEYFOB_PORT")
        #expect(settings["client-auth-failures"]?.value == "7")
        #expect(settings["log-format"]?.value == "json" && settings["log-format"]?.source == file.path)
        #expect(settings["connect-modes"]?.value == "live")
        #expect(settings["idle-timeout"]?.value == "30s")
        #expect(settings["body-timeout"]?.source == "default")
    }

    @Test func aJSONFileAndListsFromTheEnvironmentAreRead() async throws {
        let file = try ConfigFile(name: "keyfob.json", #"{"api-calls-per-token": 50, "no-demo-app": true, "trusted-proxy": ["10.0.0.1"]}"#)
        defer { file.remove() }
        let result = try await KeyfobProcess.run(
            ["serve", "--config", file.path, "--print-config"],
            environment: ["KEYFOB_CONNECT_MODES": "live,test", "KEYFOB_VEHICLE_API": "off", "KEYFOB_DPOP_NONCES": "on"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let settings = Self.printedSettings(result.stdout)
        #expect(settings["api-calls-per-token"]?.value == "50")
        #expect(settings["no-demo-app"]?.value == "true")
        #expect(settings["trusted-proxy"]?.value == "10.0.0.1")
        #expect(settings["connect-modes"]?.value == "live,test" && settings["connect-modes"]?.source == "KEYFOB_CONNECT_MODES")
        #expect(settings["vehicle-api"]?.value == "off")
        #expect(settings["dpop-nonces"]?.value == "on" && settings["dpop-nonces"]?.source == "KEYFOB_DPOP_NONCES")
    }

    @Test func printConfigMasksTheDatabasePassword() async throws {
        let file = try ConfigFile(name: "keyfob.yaml", "database: postgres://keyfob:hunter2@db.internal:5432/keyfob\n")
        defer { file.remove() }
        let fromFile = try await KeyfobProcess.run(["serve", "--config", file.path, "--print-config"])
        let fromEnvironment = try await KeyfobProcess.run(
            ["serve", "--print-config"],
            environment: ["KEYFOB_DATABASE": "postgresql://keyfob:hunter2@db.internal/keyfob"]
        )
        for result in [fromFile, fromEnvironment] {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("db.internal") && !result.stdout.contains("hunter2"), "\(result.stdout)")
        }
    }

    @Test func serveTakesItsPortAndDatabaseFromTheFile() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let port = try FreePort.find()
        let file = try ConfigFile(name: "keyfob.yaml", "port: \(port)\ndatabase: \(database.url)\nno-demo-app: true\nvehicle-api: off\n")
        defer { file.remove() }
        let server = try KeyfobProcess.Server(port: port, arguments: ["--config", file.path])
        defer { server.stop() }
        try await server.waitUntilReady()
        #expect(FileManager.default.fileExists(atPath: database.path))
        // vehicle-api: off from the file: the vehicle paths are somebody else's.
        let odometer = try await TestHTTP.send(.GET, server.baseURL + "/v2.0/vehicles/x/odometer", headers: [("Authorization", "Bearer x")])
        #expect(odometer.status == 404)
        // An admin command reads the same file: the database is the one the server uses.
        let apps = try await KeyfobProcess.run(["apps", "list", "--config", file.path, "--json"])
        #expect(apps.status == 0, "\(apps.stderr)")
    }

    @Test func serveTakesItsSettingsFromTheEnvironmentAlone() async throws {
        let database = TemporaryDatabase()
        defer { database.remove() }
        let port = try FreePort.find()
        let server = try KeyfobProcess.Server(
            port: port,
            arguments: [],
            environment: ["KEYFOB_PORT": String(port), "KEYFOB_DATABASE": database.url, "KEYFOB_NO_DEMO_APP": "true"]
        )
        defer { server.stop() }
        try await server.waitUntilReady()
        #expect(!server.log.contains("Demo App"))
    }

    /// Each bad key or value stops start-up with one line that names it, before anything listens.
    @Test(
        arguments: [
            ("keyfob.yaml", "prot: 9000\n", [:], "Unknown key \"prot\"", "Did you mean port?"),
            ("keyfob.json", #"{"port": "http"}"#, [:], "Bad setting port in", "whole number"),
            ("keyfob.yaml", "port: abc\n", [:], "Bad setting port in", "whole number"),
            ("keyfob.yaml", "port: 70000\n", [:], "port in", "from 0 to 65535"),
            ("keyfob.yaml", "port:\n  http: 80\n", [:], "Bad setting port in", "not a map"),
            ("keyfob.yaml", "port:\n", [:], "Bad setting port in", "no value"),
            ("keyfob.yaml", "log-format: xml\n", [:], "Bad setting log-format in", "one of text, json"),
            ("keyfob.yaml", "connect-modes: [live, party]\n", [:], "Bad setting connect-modes in", "live, test, simulated"),
            ("keyfob.yaml", "port: [1, 2\n", [:], "is not valid YAML", ""),
            ("keyfob.json", "{\"port\": 9000", [:], "is not valid JSON", ""),
            ("keyfob.json", "[1, 2]", [:], "must hold a map", ""),
            ("keyfob.toml", "port = 1\n", [:], "must end in .json, .yaml or .yml", ""),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_PORT": "abc"], "Bad setting KEYFOB_PORT", "whole number"),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_DB_POOL_SIZE": "0"], "KEYFOB_DB_POOL_SIZE must be", "1 and 1000"),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_IDLE_TIMEOUT": "soon"], "Bad setting KEYFOB_IDLE_TIMEOUT", "duration"),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_NO_DEMO_APP": "maybe"], "Bad setting KEYFOB_NO_DEMO_APP", "true or false"),
            ("keyfob.yaml", "dpop-nonces: sometimes\n", [:], "Bad setting dpop-nonces in", "one of on, off"),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_MAX_TOKEN_REQUESTS": "-1"], "KEYFOB_MAX_TOKEN_REQUESTS must be", "0 (no bound)"),
            ("keyfob.yaml", "port: 9000\n", ["KEYFOB_MAX_WRITE_WAIT": "11s"], "KEYFOB_MAX_WRITE_WAIT must be", "at most 10s"),
            ("keyfob.yaml", "port: 9000\nmetrics-port: 9000\n", [:], "metrics-port in", "not the main port"),
            ("keyfob.yaml", "prot: 9000\n", [:], "Known keys:", "max-token-requests"),
        ] as [(String, String, [String: String], String, String)]
    )
    func aBadKeyOrValueStopsStartUpNamingIt(
        name: String,
        text: String,
        environment: [String: String],
        names: String,
        says: String
    )
        async throws
    {
        let file = try ConfigFile(name: name, text)
        defer { file.remove() }
        let result = try await KeyfobProcess.run(["serve", "--config", file.path], environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(names) && (says.isEmpty || lines[0].contains(says)), "\(result.stderr)")
    }

    @Test func anUnreadableConfigPathIsOneLine() async throws {
        let folder = try ConfigFile(name: "placeholder.yaml", "")
        defer { folder.remove() }
        let missing = folder.directory.appendingPathComponent("missing.yaml").path
        let aDirectory = folder.directory.appendingPathComponent("a-folder.yaml")
        try FileManager.default.createDirectory(at: aDirectory, withIntermediateDirectories: true)
        for path in [missing, aDirectory.path] {
            let result = try await KeyfobProcess.run(["serve", "--config", path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("Cannot read the config file \(path)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
