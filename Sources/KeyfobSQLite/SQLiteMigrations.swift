import Foundation
import GRDB
import KeyfobCore

/// Versioned schema migrations, run at start-up by every process that opens the database. GRDB
/// records the applied ones, so a second process starting at once waits on the write lock and then
/// finds nothing left to do.
enum SQLiteMigrations {
    /// Applies pending migrations at start-up. Each migration is its own transaction, so when two
    /// processes start at once the second may try one the first has just applied; it then fails
    /// harmlessly, finds the schema complete, and goes on.
    static func migrate(_ pool: DatabasePool) throws {
        let migrator = migrator(random: SystemRandomSource())
        for attempt in 1...5 {
            do {
                return try migrator.migrate(pool)
            } catch {
                if try pool.read(migrator.hasCompletedMigrations) { return }
                if attempt == 5 { throw error }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    static func migrator(random: any RandomSource) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-schema") { db in
            try db.execute(sql: v1Schema)
            // The per-deployment rotation key (docs/architecture.md, Data), from the OS CSPRNG.
            try db.execute(
                sql: "INSERT INTO keys (name, value) VALUES ('rotation', ?)",
                arguments: [Data(random.bytes(32))]
            )
        }
        migrator.registerMigration("v2-connect") { db in
            try db.execute(sql: v2Connect)
        }
        migrator.registerMigration("v3-login-failures") { db in
            try db.execute(sql: v3LoginFailures)
        }
        migrator.registerMigration("v4-resource-servers") { db in
            try db.execute(sql: v4ResourceServers)
        }
        migrator.registerMigration("v5-code-scope") { db in
            // What the owner granted, kept with each code so the exchange reads it with the code
            // instead of looking the grant up on the writer. '' on codes issued before.
            try db.execute(sql: "ALTER TABLE authorization_codes ADD COLUMN scope TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v6-token-families") { db in
            try db.execute(sql: v6TokenFamilies)
        }
        migrator.registerMigration("v7-vehicle-states") { db in
            // Simulated vehicles' states, one JSON document each (KeyfobVehicles.VehicleState),
            // written only when something changes a vehicle's course; `version` makes every
            // write conditional, so two processes never lose each other's change.
            try db.execute(
                sql: "CREATE TABLE vehicle_states (vehicle_id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID"
            )
        }
        migrator.registerMigration("v8-management") { db in
            // The application management token's digest (docs/contract.md §8), looked up by the
            // Management API; and the families by consent, so a disconnect revokes them by index.
            try db.execute(
                sql: """
                    ALTER TABLE applications ADD COLUMN management_token_digest BLOB;
                    CREATE UNIQUE INDEX applications_by_management_token ON applications (management_token_digest)
                        WHERE management_token_digest IS NOT NULL;
                    CREATE INDEX token_families_by_grant ON token_families (grant_id);
                    """
            )
        }
        migrator.registerMigration("v9-device-authorizations") { db in
            try db.execute(sql: v9DeviceAuthorizations)
        }
        migrator.registerMigration("v10-pushed-requests") { db in
            try db.execute(sql: v10PushedRequests)
        }
        migrator.registerMigration("v11-dpop") { db in
            try db.execute(sql: v11DPoP)
        }
        migrator.registerMigration("v12-jwt-access-tokens") { db in
            try db.execute(sql: v12JWTAccessTokens)
        }
        return migrator
    }

    /// JWT access tokens (RFC 9068): each application's token format, and the signing keys,
    /// their private halves sealed with a key that is never stored here.
    static let v12JWTAccessTokens = """
        ALTER TABLE applications ADD COLUMN access_token_format TEXT NOT NULL DEFAULT 'opaque';
        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY,
            x TEXT NOT NULL,
            y TEXT NOT NULL,
            sealed_private_key BLOB NOT NULL,
            created_at REAL NOT NULL
        );
        """

    /// DPoP (RFC 9449): whether each application must bind its tokens, the key thumbprint each
    /// access token (and a public client's refresh token) is bound to, and the proofs already
    /// accepted, kept until they are too old to be accepted again.
    static let v11DPoP = """
        ALTER TABLE applications ADD COLUMN require_dpop INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE access_tokens ADD COLUMN jkt TEXT;
        ALTER TABLE refresh_tokens ADD COLUMN jkt TEXT;
        CREATE TABLE dpop_proofs (
            digest BLOB PRIMARY KEY,
            expires_at REAL NOT NULL
        );
        CREATE INDEX dpop_proofs_by_expiry ON dpop_proofs (expires_at);
        """

    /// Whether each application must push its authorize requests, and the pushed requests
    /// (RFC 9126): the digest of each request_uri, the client it is bound to, and the validated
    /// request as Connect keeps it in a session.
    static let v10PushedRequests = """
        ALTER TABLE applications ADD COLUMN require_par INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE pushed_requests (
            digest BLOB PRIMARY KEY,
            application_id TEXT NOT NULL,
            request TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX pushed_requests_by_expiry ON pushed_requests (expires_at);
        """

    /// The grant types each application may use (NULL: the defaults, as before the column), and
    /// device authorizations (RFC 8628): digests of both codes, the user code's first four
    /// letters' digest for counting wrong entries against it, and the state `DeviceCodeRule` judges.
    static let v9DeviceAuthorizations = """
        ALTER TABLE applications ADD COLUMN grant_types TEXT;
        CREATE TABLE device_authorizations (
            id INTEGER PRIMARY KEY,
            device_code_digest BLOB NOT NULL UNIQUE,
            user_code_digest BLOB NOT NULL UNIQUE,
            user_code_group_digest BLOB NOT NULL,
            application_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            mode TEXT NOT NULL,
            status TEXT NOT NULL,
            grant_id TEXT,
            poll_interval INTEGER NOT NULL,
            last_polled_at REAL,
            wrong_guesses INTEGER NOT NULL DEFAULT 0,
            expires_at REAL NOT NULL
        );
        CREATE INDEX device_authorizations_by_group ON device_authorizations (user_code_group_digest);
        CREATE INDEX device_authorizations_by_expiry ON device_authorizations (expires_at);
        """

    /// Token families get an identity of their own, so a token issued by something other than a
    /// code (the device grant) can belong to one. Before, a family was the id of the code it came
    /// from: those ids stay the families' ids, and each spent code points at its family.
    static let v6TokenFamilies = """
        CREATE TABLE token_families (
            id INTEGER PRIMARY KEY,
            grant_id TEXT NOT NULL,
            application_id TEXT NOT NULL,
            origin TEXT NOT NULL, -- the grant_type that started it
            created_at REAL NOT NULL
        );
        CREATE INDEX token_families_by_creation ON token_families (created_at);
        ALTER TABLE authorization_codes ADD COLUMN family_id INTEGER;
        INSERT INTO token_families (id, grant_id, application_id, origin, created_at)
            SELECT f.family_id, f.grant_id, f.application_id, 'authorization_code',
                coalesce((SELECT c.consumed_at FROM authorization_codes c WHERE c.id = f.family_id), CAST(strftime('%s', 'now') AS REAL))
            FROM (
                SELECT family_id, grant_id, application_id FROM refresh_tokens
                UNION SELECT family_id, grant_id, application_id FROM access_tokens WHERE family_id IS NOT NULL
            ) f
            GROUP BY f.family_id;
        UPDATE authorization_codes SET family_id = id WHERE id IN (SELECT id FROM token_families);
        """

    /// The login throttle's counts, shared by every process on the file.
    static let v3LoginFailures = """
        CREATE TABLE login_failures (
            email_key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            window_ends_at REAL NOT NULL
        );
        CREATE INDEX login_failures_by_window_end ON login_failures (window_ends_at);
        """

    /// Connect sessions, and the grant lookup `approval_prompt=auto` makes.
    static let v2Connect = """
        CREATE TABLE connect_sessions (
            digest BLOB PRIMARY KEY,
            request TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            owner_id TEXT,
            expires_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX connect_sessions_by_expiry ON connect_sessions (expires_at);
        CREATE INDEX grants_by_application_owner ON grants (application_id, owner_id, created_at);
        """

    /// Times are Unix seconds (REAL); ids are lowercase UUID text; codes and tokens are found by their
    /// SHA-256 digest (BLOB), never by their text.
    ///
    /// Code and token rows live in rowid order, which is time order: a new row lands on the table's
    /// last page, and a token family's integer id grows with time too (`token_families`, v6), so
    /// the family and expiry indexes grow at their right edge too. Only the digest indexes take random inserts.
    /// Under load each random insert dirties its own page, and those page writes were the
    /// writer's main cost when the tables were keyed by digest.
    static let v1Schema = """
        CREATE TABLE keys (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        CREATE TABLE applications (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_digest BLOB,
            previous_secret_digest BLOB,
            previous_secret_expires_at REAL,
            is_public INTEGER NOT NULL,
            redirect_uris TEXT NOT NULL, -- newline-separated, in order
            permissions TEXT NOT NULL,
            created_at REAL NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE owners (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL,
            password_hash TEXT,
            mode TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (mode, email_key)
        );
        CREATE TABLE vehicles (
            id TEXT PRIMARY KEY,
            owner_id TEXT NOT NULL REFERENCES owners(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            make TEXT NOT NULL,
            model TEXT NOT NULL,
            year INTEGER NOT NULL,
            vin TEXT NOT NULL
        );
        CREATE INDEX vehicles_by_owner ON vehicles (owner_id, position);
        CREATE TABLE grants (
            id TEXT PRIMARY KEY,
            application_id TEXT NOT NULL,
            owner_id TEXT NOT NULL,
            permissions TEXT NOT NULL,
            vehicle_ids TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX grants_by_application ON grants (application_id);
        CREATE TABLE authorization_codes (
            id INTEGER PRIMARY KEY,
            digest BLOB NOT NULL UNIQUE,
            grant_id TEXT NOT NULL,
            application_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            redirect_uri_sent INTEGER NOT NULL,
            code_challenge TEXT,
            code_challenge_method TEXT,
            expires_at REAL NOT NULL,
            consumed_at REAL
        );
        CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);
        CREATE TABLE access_tokens (
            id INTEGER PRIMARY KEY,
            digest BLOB NOT NULL UNIQUE,
            family_id INTEGER,
            grant_id TEXT,
            application_id TEXT NOT NULL,
            scope TEXT NOT NULL,
            expires_at REAL NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX access_tokens_by_family ON access_tokens (family_id) WHERE family_id IS NOT NULL;
        CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
        CREATE TABLE refresh_tokens (
            id INTEGER PRIMARY KEY,
            digest BLOB NOT NULL UNIQUE,
            family_id INTEGER NOT NULL,
            grant_id TEXT NOT NULL,
            application_id TEXT NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL,
            revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
        CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
        """

    /// Resource servers, which may introspect any client's access tokens (RFC 7662 §2.1).
    static let v4ResourceServers = """
        CREATE TABLE resource_servers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_digest BLOB NOT NULL,
            created_at REAL NOT NULL
        );
        """
}
