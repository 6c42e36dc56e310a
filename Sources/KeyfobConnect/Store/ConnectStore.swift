import KeyfobCore

/// Connect's records: owners and their vehicles, sessions between the pages, failed logins, pushed
/// authorize requests. The OAuth records are `KeyfobCore.OAuthStore`; a backend implements both.
public typealias ConnectStore = OwnerStore & ConnectSessionStore & LoginFailureStore & PushedRequestStore
