-- Skills: which skills the owner switched on or off, and the memory skill's facts with a full-text index.
-- FTS5 only with features SQLite 3.40 (Debian's, linked into the published binary) already has.
CREATE TABLE skill_state (
    skill_id   TEXT PRIMARY KEY NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at INTEGER NOT NULL            -- ms since the Unix epoch
) STRICT;

CREATE TABLE memory_facts (
    id         INTEGER PRIMARY KEY,        -- also the rowid the FTS index points at
    fact       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX memory_facts_created_at ON memory_facts (created_at);

-- External-content index: the text lives once, in memory_facts; triggers keep the index in step.
CREATE VIRTUAL TABLE memory_facts_fts USING fts5(
    fact,
    content = 'memory_facts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER memory_facts_after_insert AFTER INSERT ON memory_facts BEGIN
    INSERT INTO memory_facts_fts (rowid, fact) VALUES (new.id, new.fact);
END;

CREATE TRIGGER memory_facts_after_delete AFTER DELETE ON memory_facts BEGIN
    INSERT INTO memory_facts_fts (memory_facts_fts, rowid, fact) VALUES ('delete', old.id, old.fact);
END;

CREATE TRIGGER memory_facts_after_update AFTER UPDATE OF fact ON memory_facts BEGIN
    INSERT INTO memory_facts_fts (memory_facts_fts, rowid, fact) VALUES ('delete', old.id, old.fact);
    INSERT INTO memory_facts_fts (rowid, fact) VALUES (new.id, new.fact);
END;
