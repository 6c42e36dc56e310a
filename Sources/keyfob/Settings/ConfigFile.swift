import Foundation
import Yams

/// `--config FILE`, read once more for what swift-configuration's providers do not check: that
/// every key is one Keyfob knows (a misspelt `prot:` would otherwise be ignored, and the server
/// would start on the default port) and that each holds a value rather than a nested map.
struct ConfigFile {
    enum Format { case json, yaml }

    let path: String
    let format: Format
    private let keys: [String: Any]

    init(path: String) throws {
        self.path = path
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": format = .json
        case "yaml", "yml": format = .yaml
        default: throw CommandFailure("The config file \(path) must end in .json, .yaml or .yml.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("Cannot read the config file \(path): \(Self.reason(error)).")
        }
        let parsed: Any?
        do {
            switch format {
            case .json: parsed = data.isEmpty ? [String: Any]() : try JSONSerialization.jsonObject(with: data)
            case .yaml: parsed = try Yams.load(yaml: String(decoding: data, as: UTF8.self)) ?? [String: Any]()
            }
        } catch {
            throw CommandFailure("The config file \(path) is not valid \(format == .json ? "JSON" : "YAML").")
        }
        guard let keys = parsed as? [String: Any] else {
            throw CommandFailure("The config file \(path) must hold a map of settings (key: value) at its top.")
        }
        self.keys = keys
    }

    /// Refuses an unknown key (naming it, and the known key it is closest to) and a nested map or
    /// an empty value where a setting's value belongs.
    func checkKeys(known: [String]) throws {
        for key in keys.keys.sorted() {
            guard known.contains(key) else {
                let hint = Self.closest(to: key, in: known).map { " Did you mean \($0)?" } ?? ""
                throw CommandFailure(
                    "Unknown key \"\(key)\" in the config file \(path).\(hint) Known keys: \(known.sorted().joined(separator: ", "))."
                )
            }
            switch keys[key] {
            case is [String: Any]: throw CommandFailure("Bad setting \(key) in \(path): expected a value, not a map.")
            case nil, is NSNull: throw CommandFailure("Bad setting \(key) in \(path): it has no value.")
            default: continue
            }
        }
    }

    /// The known key within two edits of a misspelt one, if any.
    private static func closest(to key: String, in known: [String]) -> String? {
        known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, left) in a.enumerated() {
            var current = [i + 1]
            for (j, right) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    private static func reason(_ error: any Error) -> String {
        let code = (error as NSError).code
        if code == NSFileReadNoSuchFileError { return "no such file" }
        if code == NSFileReadNoPermissionError { return "permission denied" }
        return "it is not a readable file"
    }
}
