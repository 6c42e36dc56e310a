import Configuration
import Foundation
import SystemPackage

/// Where settings come from besides flags: `KEYFOB_*` variables and an optional config file, read
/// with swift-configuration's providers. Flags are ArgumentParser's; `resolve` puts them first.
struct SettingSources: Sendable {
    private let environment: any ConfigProvider
    private let file: (name: String, provider: any ConfigProvider)?

    /// Reads the environment, and the config file if there is one, checking its keys against `known`.
    static func load(
        configFile path: String?,
        known: [String],
        environment variables: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> SettingSources {
        let environment = EnvironmentVariablesProvider(environmentVariables: variables).prefixKeys(with: ConfigKey("keyfob"))
        guard let path = path ?? variables["KEYFOB_CONFIG"], !path.isEmpty else {
            return SettingSources(environment: environment, file: nil)
        }
        let file = try ConfigFile(path: path)
        try file.checkKeys(known: known)
        let provider: any ConfigProvider
        do {
            switch file.format {
            case .json: provider = try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
            case .yaml: provider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
            }
        } catch {
            throw CommandFailure("Cannot read the config file \(path): \(error)")
        }
        return SettingSources(environment: environment, file: (path, provider))
    }

    /// The setting's value from the first source that has it: the flag, the environment, the file,
    /// else its default. A value of the wrong shape stops start-up with one line naming where it
    /// came from (never the value: it may be a password).
    func resolve<Value>(_ setting: Setting<Value>, flag: Value?) throws -> Resolved<Value> {
        if let flag { return Resolved(setting: setting, value: flag, source: .flag) }
        if let value = try lookUp(setting, in: environment, named: setting.environmentVariable) {
            return Resolved(setting: setting, value: value, source: .environment(setting.environmentVariable))
        }
        if let file, let value = try lookUp(setting, in: file.provider, named: "\(setting.name) in \(file.name)") {
            return Resolved(setting: setting, value: value, source: .file(file.name))
        }
        return Resolved(setting: setting, value: setting.defaultValue, source: .defaultValue)
    }

    /// An optional setting: an absent flag is `nil`, not a flag set to nothing.
    func resolve<Wrapped>(_ setting: Setting<Wrapped?>, flag: Wrapped?) throws -> Resolved<Wrapped?> {
        try resolve(setting, flag: flag.map { Optional($0) })
    }

    private func lookUp<Value>(_ setting: Setting<Value>, in provider: any ConfigProvider, named place: String) throws -> Value? {
        let found: ConfigValue?
        do {
            found = try provider.value(forKey: setting.key, type: Value.configType).value
        } catch {
            throw CommandFailure("Bad setting \(place): expected \(Value.expectation).")
        }
        guard let found else { return nil }
        guard let value = Value(content: found.content) else {
            throw CommandFailure("Bad setting \(place): expected \(Value.expectation).")
        }
        return value
    }
}

/// A setting's effective value and where it came from, for `--print-config`.
struct Resolved<Value: SettingValue>: Sendable {
    let setting: Setting<Value>
    let value: Value
    let source: SettingSource

    /// One line of `--print-config`: `port = 8080  (KEYFOB_PORT)`.
    var line: String {
        let shown = setting.isSecret ? SettingMask.mask(value.settingText) : value.settingText
        return "\(setting.name) = \(shown)  (\(source))"
    }
}

enum SettingSource: Sendable, CustomStringConvertible {
    case flag
    case environment(String)
    case file(String)
    case defaultValue

    var description: String {
        switch self {
        case .flag: "flag"
        case .environment(let name): name
        case .file(let path): path
        case .defaultValue: "default"
        }
    }
}
