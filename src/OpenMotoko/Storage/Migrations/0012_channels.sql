-- Chat channels (Telegram, later plugins): what the owner configured, and where polling got to, so
-- a restart neither loses nor repeats an update. Status is the running daemon's, kept in memory.
CREATE TABLE channels (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    enabled     INTEGER,            -- NULL: not chosen yet (on when the channel has what it needs)
    dm_policy   TEXT NOT NULL DEFAULT 'pairing',
    config      TEXT NOT NULL DEFAULT '{}',
    poll_offset INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);

-- Who may talk to a channel: approved senders, and pending pairing requests with their one-time code.
CREATE TABLE channel_senders (
    channel_id      TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    name            TEXT,
    chat_id         TEXT NOT NULL,
    status          TEXT NOT NULL,  -- pending | approved
    code            TEXT,
    code_expires_at INTEGER,
    created_at      INTEGER NOT NULL,
    approved_at     INTEGER,
    PRIMARY KEY (channel_id, sender_id)
);
CREATE UNIQUE INDEX channel_senders_code ON channel_senders (code) WHERE code IS NOT NULL; -- codes are unique, so `pairing approve CODE` needs no channel
