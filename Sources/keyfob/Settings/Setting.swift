import ArgumentParser
import Configuration
import Logging

/// One setting of `keyfob`: a single name is the flag (`--log-format`), the config file's key
/// (`log-format:`) and, upper-cased behind `KEYFOB_`, the environment variable (`KEYFOB_LOG_FORMAT`).
/// CONTRACT §9: flags win over the environment, the environment over the file, the file over the
/// default.
struct Setting<Value: SettingValue>: Sendable {
    let name: String
    /// An optional setting (`base-url`, `metrics-port`) defaults to `nil`: unset.
    let defaultValue: Value
    /// `database` can hold a password: `--print-config` shows it masked.
    let isSecret: Bool

    init(_ name: String, default defaultValue: Value, secret: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.isSecret = secret
    }

    var flag: String { "--" + name }
    var environmentVariable: String { "KEYFOB_" + name.uppercased().replacingOccurrences(of: "-", with: "_") }
    var key: AbsoluteConfigKey { AbsoluteConfigKey([name]) }
}

/// A type a setting can hold, read from a provider's `ConfigContent` (an environment variable is a
/// string a provider converts; a file's value has its own type).
protocol SettingValue: Sendable {
    /// What to ask a provider for.
    static var configType: ConfigType { get }
    /// What a value must look like, for the one line that names a bad one.
    static var expectation: String { get }
    init?(content: ConfigContent)
    /// As `--print-config` shows it.
    var settingText: String { get }
}

/// A setting that may stay unset: it reads as its wrapped type.
extension Optional: SettingValue where Wrapped: SettingValue {
    static var configType: ConfigType { Wrapped.configType }
    static var expectation: String { Wrapped.expectation }
    init?(content: ConfigContent) {
        guard let value = Wrapped(content: content) else { return nil }
        self = .some(value)
    }
    var settingText: String { map(\.settingText) ?? "(unset)" }
}

extension Int: SettingValue {
    static var configType: ConfigType { .int }
    static var expectation: String { "a whole number" }
    init?(content: ConfigContent) {
        guard case .int(let value) = content else { return nil }
        self = value
    }
    var settingText: String { String(self) }
}

extension Bool: SettingValue {
    static var configType: ConfigType { .bool }
    static var expectation: String { "true or false" }
    init?(content: ConfigContent) {
        guard case .bool(let value) = content else { return nil }
        self = value
    }
    var settingText: String { String(self) }
}

extension String: SettingValue {
    static var configType: ConfigType { .string }
    static var expectation: String { "a string" }
    init?(content: ConfigContent) {
        guard case .string(let value) = content else { return nil }
        self = value
    }
    var settingText: String { self }
}

/// A list: a YAML or JSON array, or a comma-separated environment variable.
extension Array: SettingValue where Element: SettingWord {
    static var configType: ConfigType { .stringArray }
    static var expectation: String { "a list (comma-separated in a variable), each " + Element.wordExpectation }
    init?(content: ConfigContent) {
        guard case .stringArray(let words) = content else { return nil }
        var values = [Element]()
        for word in words {
            guard let value = Element(argument: word) else { return nil }
            values.append(value)
        }
        self = values
    }
    var settingText: String { isEmpty ? "(none)" : map(\.wordText).joined(separator: ",") }
}

/// A value written as one word, the way its flag takes it (`15s`, `json`, `debug`): one parser for
/// the flag, the variable and the file.
protocol SettingWord: ExpressibleByArgument, Sendable {
    static var wordExpectation: String { get }
    var wordText: String { get }
}

extension SettingWord where Self: CaseIterable & RawRepresentable, RawValue == String {
    static var wordExpectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
    var wordText: String { rawValue }
}

extension SettingValue where Self: SettingWord {
    static var configType: ConfigType { .string }
    static var expectation: String { wordExpectation }
    init?(content: ConfigContent) {
        guard case .string(let word) = content else { return nil }
        self.init(argument: word)
    }
    var settingText: String { wordText }
}

extension String: SettingWord {
    static var wordExpectation: String { "a string" }
    var wordText: String { self }
}

extension TimeSpan: SettingValue, SettingWord {
    static var wordExpectation: String { "a duration such as 15s, 5m or 1h" }
    var wordText: String { text }
}

extension Logger.Level: SettingValue, SettingWord {}
extension Output.LogFormat: SettingValue, SettingWord {}
