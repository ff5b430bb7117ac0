-- Channel plugins: executables that speak JSON lines and appear as a channel (its settings, senders
-- and conversations use the same channel id). name, version and config_schema come from the
-- plugin's last hello, so its config can be validated and masked while it is stopped.
CREATE TABLE channel_plugins (
    id            TEXT PRIMARY KEY,
    source        TEXT NOT NULL,  -- npm | path
    package       TEXT,           -- the npm package spec it was installed from
    path          TEXT NOT NULL,  -- the package dir or the executable
    command       TEXT NOT NULL,  -- JSON array: the argv that starts it
    name          TEXT,
    version       TEXT,
    config_schema TEXT,
    installed_at  INTEGER NOT NULL
);
