import Foundation
import KeyfobCore
import PostgresNIO

/// Versioned schema migrations, run at start-up by every instance.
///
/// Two instances starting at once are kept apart by the migrations table itself, not by an advisory
/// lock (CockroachDB and YugabyteDB have none that works): each migration runs in the transaction
/// that inserts its name, so the second instance's insert waits on the first's uncommitted row and
/// then finds the name taken and skips the migration. PostgreSQL runs DDL transactionally, so a
/// migration that fails leaves nothing half-applied.
enum PostgresMigrations {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static func migrate(_ store: PostgresStore) async throws {
        try await createLedger(store)
        for migration in migrations {
            try await store.transaction { connection in
                let claimed = try await connection.query(
                    "INSERT INTO keyfob_migrations (name) VALUES (\(migration.name)) ON CONFLICT (name) DO NOTHING RETURNING name",
                    logger: store.logger
                )
                var isMine = false
                for try await _ in claimed { isMine = true }
                guard isMine else { return .rollback(()) }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: store.logger)
                }
                if migration.name == "v1-schema" {
                    // The per-deployment rotation key (docs/architecture.md, Data), from the OS CSPRNG.
                    let key = Data(SystemRandomSource().bytes(32))
                    try await connection.query("INSERT INTO keys (name, value) VALUES ('rotation', \(key))", logger: store.logger)
                }
                return .commit(())
            }
        }
    }

    /// `CREATE TABLE IF NOT EXISTS` is not safe against itself: two sessions creating the same new
    /// table at once can make one fail in the catalog (`isConcurrentCreation`). The loser tries
    /// again and then finds the table.
    private static func createLedger(_ store: PostgresStore) async throws {
        for attempt in 1...5 {
            do {
                return try await store.withConnection { connection in
                    try await connection.query(
                        "CREATE TABLE IF NOT EXISTS keyfob_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                        logger: store.logger
                    )
                }
            } catch let error as PSQLError where error.isConcurrentCreation && attempt < 5 {
                try await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }

    static let migrations = [
        Migration(name: "v1-schema", statements: v1Schema),
        Migration(
            name: "v2-login-failures",
            statements: [
                "CREATE TABLE login_failures (email_key text PRIMARY KEY, failures integer NOT NULL, window_ends_at timestamptz NOT NULL)",
                "CREATE INDEX login_failures_by_window_end ON login_failures (window_ends_at)",
            ]
        ),
        // Resource servers, which may introspect any client's access tokens (RFC 7662 §2.1).
        Migration(
            name: "v3-resource-servers",
            statements: [
                "CREATE TABLE resource_servers (id uuid PRIMARY KEY, name text NOT NULL, secret_digest bytea NOT NULL, created_at timestamptz NOT NULL)"
            ]
        ),
        Migration(name: "v4-token-families", statements: v4TokenFamilies),
        // Simulated vehicles' states, one JSON document each, written conditionally on `version`.
        Migration(
            name: "v5-vehicle-states",
            statements: ["CREATE TABLE vehicle_states (vehicle_id uuid PRIMARY KEY, state text NOT NULL, version bigint NOT NULL)"]
        ),
        // The application management token's digest (docs/contract.md §8); the families by
        // consent, so a disconnect revokes them by index.
        Migration(
            name: "v6-management",
            statements: [
                "ALTER TABLE applications ADD COLUMN management_token_digest bytea",
                "CREATE UNIQUE INDEX applications_by_management_token ON applications (management_token_digest) WHERE management_token_digest IS NOT NULL",
                "CREATE INDEX token_families_by_grant ON token_families (grant_id)",
            ]
        ),
        Migration(name: "v7-device-authorizations", statements: v7DeviceAuthorizations),
        Migration(name: "v8-pushed-requests", statements: v8PushedRequests),
        Migration(name: "v9-dpop", statements: v9DPoP),
        Migration(name: "v10-jwt-access-tokens", statements: v10JWTAccessTokens),
    ]

    /// JWT access tokens (RFC 9068): each application's token format, and the signing keys,
    /// their private halves sealed with a key that is never stored here.
    static let v10JWTAccessTokens = [
        "ALTER TABLE applications ADD COLUMN access_token_format text NOT NULL DEFAULT 'opaque'",
        """
        CREATE TABLE signing_keys (
            kid text PRIMARY KEY,
            x text NOT NULL,
            y text NOT NULL,
            sealed_private_key bytea NOT NULL,
            created_at timestamptz NOT NULL
        )
        """,
    ]

    /// DPoP (RFC 9449): whether each application must bind its tokens, the key thumbprint each
    /// access token (and a public client's refresh token) is bound to, and the proofs already
    /// accepted, kept until they are too old to be accepted again.
    static let v9DPoP = [
        "ALTER TABLE applications ADD COLUMN require_dpop boolean NOT NULL DEFAULT false",
        "ALTER TABLE access_tokens ADD COLUMN jkt text",
        "ALTER TABLE refresh_tokens ADD COLUMN jkt text",
        "CREATE TABLE dpop_proofs (digest bytea PRIMARY KEY, expires_at timestamptz NOT NULL)",
        "CREATE INDEX dpop_proofs_by_expiry ON dpop_proofs (expires_at)",
    ]

    /// Whether each application must push its authorize requests, and the pushed requests
    /// (RFC 9126): the digest of each request_uri, the client it is bound to, and the validated
    /// request as Connect keeps it in a session.
    static let v8PushedRequests = [
        "ALTER TABLE applications ADD COLUMN require_par boolean NOT NULL DEFAULT false",
        """
        CREATE TABLE pushed_requests (
            digest bytea PRIMARY KEY,
            application_id uuid NOT NULL,
            request text NOT NULL,
            expires_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX pushed_requests_by_expiry ON pushed_requests (expires_at)",
    ]

    /// The grant types each application may use (NULL: the defaults, as before the column), and
    /// device authorizations (RFC 8628): digests of both codes, the user code's first four
    /// letters' digest for counting wrong entries against it, and the state `DeviceCodeRule` judges.
    static let v7DeviceAuthorizations = [
        "ALTER TABLE applications ADD COLUMN grant_types text[]",
        """
        CREATE TABLE device_authorizations (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            device_code_digest bytea NOT NULL UNIQUE,
            user_code_digest bytea NOT NULL UNIQUE,
            user_code_group_digest bytea NOT NULL,
            application_id uuid NOT NULL,
            scope text[] NOT NULL,
            mode text NOT NULL,
            status text NOT NULL,
            grant_id uuid,
            poll_interval integer NOT NULL,
            last_polled_at timestamptz,
            wrong_guesses integer NOT NULL DEFAULT 0,
            expires_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX device_authorizations_by_group ON device_authorizations (user_code_group_digest)",
        "CREATE INDEX device_authorizations_by_expiry ON device_authorizations (expires_at)",
    ]

    /// Token families get an identity of their own, so a token issued by something other than a
    /// code (the device grant) can belong to one. Before, a family was the id of the code it came
    /// from: those ids stay the families' ids, each spent code points at its family, and the
    /// sequence continues past them.
    static let v4TokenFamilies = [
        "CREATE SEQUENCE token_family_ids",
        """
        CREATE TABLE token_families (
            id bigint PRIMARY KEY DEFAULT nextval('token_family_ids'),
            grant_id uuid NOT NULL,
            application_id uuid NOT NULL,
            origin text NOT NULL,
            created_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX token_families_by_creation ON token_families (created_at)",
        "ALTER TABLE authorization_codes ADD COLUMN family_id bigint",
        """
        INSERT INTO token_families (id, grant_id, application_id, origin, created_at)
        SELECT DISTINCT ON (f.family_id) f.family_id, f.grant_id, f.application_id, 'authorization_code', coalesce(c.consumed_at, now())
        FROM (
            SELECT family_id, grant_id, application_id FROM refresh_tokens
            UNION SELECT family_id, grant_id, application_id FROM access_tokens WHERE family_id IS NOT NULL
        ) f
        LEFT JOIN authorization_codes c ON c.id = f.family_id
        ORDER BY f.family_id
        """,
        "UPDATE authorization_codes SET family_id = id WHERE id IN (SELECT id FROM token_families)",
        "SELECT setval('token_family_ids', max(id)) FROM token_families HAVING max(id) IS NOT NULL",
    ]

    /// The same tables as the SQLite schema, in PostgreSQL's own types: uuid, timestamptz, bytea
    /// for SHA-256 digests (never token text), arrays for lists. Codes and tokens take identity
    /// ids in issue order; a token family's id is in `token_families` (v4).
    static let v1Schema = [
        "CREATE TABLE keys (name text PRIMARY KEY, value bytea NOT NULL)",
        """
        CREATE TABLE applications (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            secret_digest bytea,
            previous_secret_digest bytea,
            previous_secret_expires_at timestamptz,
            is_public boolean NOT NULL,
            redirect_uris text[] NOT NULL,
            permissions text[] NOT NULL,
            created_at timestamptz NOT NULL,
            version bigint NOT NULL DEFAULT 1
        )
        """,
        """
        CREATE TABLE owners (
            id uuid PRIMARY KEY,
            email text NOT NULL,
            email_key text NOT NULL,
            password_hash text,
            mode text NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (mode, email_key)
        )
        """,
        """
        CREATE TABLE vehicles (
            id uuid PRIMARY KEY,
            owner_id uuid NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
            position integer NOT NULL,
            make text NOT NULL,
            model text NOT NULL,
            year integer NOT NULL,
            vin text NOT NULL
        )
        """,
        "CREATE INDEX vehicles_by_owner ON vehicles (owner_id, position)",
        """
        CREATE TABLE grants (
            id uuid PRIMARY KEY,
            application_id uuid NOT NULL,
            owner_id uuid NOT NULL,
            permissions text[] NOT NULL,
            vehicle_ids uuid[] NOT NULL,
            created_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX grants_by_application_owner ON grants (application_id, owner_id, created_at)",
        "CREATE INDEX grants_by_creation ON grants (created_at)",
        """
        CREATE TABLE authorization_codes (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            digest bytea NOT NULL UNIQUE,
            grant_id uuid NOT NULL,
            application_id uuid NOT NULL,
            redirect_uri text NOT NULL,
            redirect_uri_sent boolean NOT NULL,
            code_challenge text,
            code_challenge_method text,
            expires_at timestamptz NOT NULL,
            consumed_at timestamptz
        )
        """,
        "CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at)",
        "CREATE INDEX authorization_codes_by_grant ON authorization_codes (grant_id)",
        """
        CREATE TABLE access_tokens (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            digest bytea NOT NULL UNIQUE,
            family_id bigint,
            grant_id uuid,
            application_id uuid NOT NULL,
            scope text[] NOT NULL,
            expires_at timestamptz NOT NULL,
            revoked boolean NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX access_tokens_by_family ON access_tokens (family_id) WHERE family_id IS NOT NULL",
        "CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at)",
        "CREATE INDEX access_tokens_by_grant ON access_tokens (grant_id) WHERE grant_id IS NOT NULL",
        """
        CREATE TABLE refresh_tokens (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            digest bytea NOT NULL UNIQUE,
            family_id bigint NOT NULL,
            grant_id uuid NOT NULL,
            application_id uuid NOT NULL,
            expires_at timestamptz NOT NULL,
            used_at timestamptz,
            revoked boolean NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id)",
        "CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at)",
        "CREATE INDEX refresh_tokens_by_grant ON refresh_tokens (grant_id)",
        """
        CREATE TABLE connect_sessions (
            digest bytea PRIMARY KEY,
            request text NOT NULL,
            csrf_token text NOT NULL,
            owner_id uuid,
            expires_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX connect_sessions_by_expiry ON connect_sessions (expires_at)",
    ]
}
