import ArgumentParser
import Foundation

/// A span written as `250ms`, `90s`, `30m`, `1h`, `2d` or plain seconds.
struct TimeSpan: ExpressibleByArgument, Sendable {
    let seconds: TimeInterval
    /// As written, for `--help`'s "(default: 5s)".
    let text: String

    var defaultValueDescription: String { text }

    /// As a `Duration`, to the microsecond.
    var duration: Duration { .microseconds(Int((seconds * 1_000_000).rounded())) }

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var text = argument.lowercased()
        var unit: TimeInterval = 1
        if text.hasSuffix("ms") {
            unit = 0.001
            text.removeLast(2)
        } else if let last = text.last, let multiplier = units[last] {
            unit = multiplier
            text.removeLast()
        }
        guard let value = Double(text), value >= 0, value.isFinite else { return nil }
        seconds = value * unit
        self.text = argument
    }
}
