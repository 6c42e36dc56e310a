import KeyfobCore

/// `sc-unit-system`: metric (km, kPa, litres) unless imperial (miles, psi, US gallons) is asked.
public enum UnitSystem: String, Sendable, CaseIterable {
    case metric, imperial

    /// The request header's value; nil (absent) is metric, anything but the two names is an error.
    public init(header: String?) throws(APIError) {
        guard let header else {
            self = .metric
            return
        }
        guard let system = UnitSystem(rawValue: header.lowercased()) else {
            throw APIError(.validation, "sc-unit-system must be metric or imperial.", code: "PARAMETER")
        }
        self = system
    }

    func distance(_ km: Double) -> Double { rounded(self == .metric ? km : km / 1.609344, 1) }
    func pressure(_ kPa: Double) -> Double { rounded(self == .metric ? kPa : kPa * 0.1450377, 1) }
    func volume(_ litres: Double) -> Double { rounded(self == .metric ? litres : litres / 3.785411784, 1) }
}

/// `value` to `places` decimals.
func rounded(_ value: Double, _ places: Int) -> Double {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    return (value * scale).rounded() / scale
}
