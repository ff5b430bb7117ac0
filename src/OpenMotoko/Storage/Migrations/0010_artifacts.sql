-- Artifacts: documents, code and diagrams the agent (or the owner) writes and revises. One row per
-- artifact holds what lists need (the latest version's type, title, language and size) so listing
-- never reads content; every version, the first included, is a full snapshot in artifact_versions,
-- so any version is read back with one row and deleting the artifact deletes them all.
CREATE TABLE artifacts (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL, -- outlives its conversation
    type            TEXT NOT NULL CHECK (type IN ('markdown', 'code', 'html', 'svg', 'mermaid', 'json', 'text')),
    title           TEXT NOT NULL,
    language        TEXT,                   -- only for code
    version         INTEGER NOT NULL,       -- the latest version, 1 on creation
    size            INTEGER NOT NULL,       -- bytes of the latest content in UTF-8
    created_at      INTEGER NOT NULL,       -- ms since the Unix epoch
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX artifacts_updated_at ON artifacts (updated_at DESC);
CREATE INDEX artifacts_conversation ON artifacts (conversation_id, updated_at DESC);

CREATE TABLE artifact_versions (
    artifact_id TEXT NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    type        TEXT NOT NULL,
    title       TEXT NOT NULL,
    language    TEXT,
    content     TEXT NOT NULL,
    size        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (artifact_id, version)
) STRICT;
