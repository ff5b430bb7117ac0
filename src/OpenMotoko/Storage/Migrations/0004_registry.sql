-- Skill registry: the cached index (refreshed as a whole) and the skills installed from it.
CREATE TABLE registry_index_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    source_url  TEXT NOT NULL,             -- the registry.url the cache was fetched from
    fetched_at  INTEGER NOT NULL           -- ms since the Unix epoch
) STRICT;

CREATE TABLE registry_entries (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    version     TEXT NOT NULL,
    author      TEXT NOT NULL,
    tags        TEXT NOT NULL,             -- JSON array of strings
    verified    INTEGER NOT NULL,          -- 0 or 1
    rating      REAL NOT NULL,
    downloads   INTEGER NOT NULL,
    sha256      TEXT NOT NULL,             -- lowercase hex of the package
    size        INTEGER NOT NULL,          -- bytes of the package
    url         TEXT NOT NULL              -- package download URL, absolute or relative to the index
) STRICT;

CREATE TABLE registry_installed (
    id           TEXT PRIMARY KEY NOT NULL, -- also the folder name under <data dir>/skills
    version      TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    source_url   TEXT NOT NULL,
    installed_at INTEGER NOT NULL
) STRICT;
