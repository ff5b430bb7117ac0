-- Foundation: settings, the owner's password, login sessions and the login lock-out.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,              -- the JSON value
    updated_at INTEGER NOT NULL            -- ms since the Unix epoch
) STRICT;

CREATE TABLE owner_password (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    hash       TEXT NOT NULL,              -- pbkdf2-sha256$iterations$salt$hash
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL, -- SHA-256 of the token, hex; the token itself is never stored
    client       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE login_attempts (
    client       TEXT PRIMARY KEY NOT NULL,
    failures     INTEGER NOT NULL,
    first_at     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
) STRICT;
