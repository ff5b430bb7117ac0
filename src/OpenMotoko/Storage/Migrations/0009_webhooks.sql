-- Webhooks: a named trigger URL with its secret (kept as is: HMAC needs it), an optional prompt
-- template, target conversation (cleared when that conversation is deleted) and model.
CREATE TABLE webhooks (
    id                     TEXT PRIMARY KEY NOT NULL,
    name                   TEXT NOT NULL,
    secret                 TEXT NOT NULL,
    enabled                INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    target_conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    model                  TEXT,
    prompt                 TEXT,
    last_triggered_at      INTEGER,            -- ms since the Unix epoch
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_target ON webhooks (target_conversation_id) WHERE target_conversation_id IS NOT NULL;

-- Gmail push: the Pub/Sub message ids already handled (Pub/Sub redelivers), and per mailbox the
-- last history id read, so the next notification reads only what is new since.
CREATE TABLE gmail_push_seen (
    message_id TEXT PRIMARY KEY NOT NULL,
    seen_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX gmail_push_seen_at ON gmail_push_seen (seen_at);

CREATE TABLE gmail_mailboxes (
    email_address TEXT PRIMARY KEY NOT NULL,
    history_id    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
