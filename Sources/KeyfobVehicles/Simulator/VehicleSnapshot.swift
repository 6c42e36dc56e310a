import Foundation

/// Every value of a simulated vehicle at one moment: what the data calls answer.
public struct VehicleSnapshot: Sendable, Equatable {
    /// The moment described.
    public var at: Date
    /// When the values were last recorded: now while the car drives or charges, else the moment
    /// it stopped (sent as `sc-data-age`).
    public var recordedAt: Date
    public var powertrain: Powertrain
    public var activity: VehicleActivity
    public var odometerKm: Double
    public var battery: Double
    public var fuel: Double
    public var latitude: Double
    public var longitude: Double
    public var isLocked: Bool
    public var isPluggedIn: Bool
    public var chargeLimit: Double
    /// `CHARGING`, `FULLY_CHARGED` (plugged in at the limit) or `NOT_CHARGING`.
    public var chargeState: String
    /// How far the battery takes it, km.
    public var batteryRangeKm: Double
    /// How far the tank takes it, km.
    public var fuelRangeKm: Double
    /// Fuel in the tank, litres.
    public var fuelLitres: Double
}
