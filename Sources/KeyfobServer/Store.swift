import KeyfobConnect
import KeyfobCore
import KeyfobVehicles

/// Everything a Keyfob server keeps: the OAuth records, Connect's, and the simulated vehicles' states. One implementation per
/// backend (`SQLiteStore`, `PostgresStore`, `MemoryStore`), each in a target of its own.
public typealias Store = OAuthStore & ConnectStore & VehicleStateStore
