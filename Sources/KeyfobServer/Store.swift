import KeyfobConnect
import KeyfobCore

/// Everything a Keyfob server keeps: the OAuth records and Connect's. One implementation per
/// backend (`SQLiteStore`, `PostgresStore`, `MemoryStore`), each in a target of its own.
public typealias Store = OAuthStore & ConnectStore
