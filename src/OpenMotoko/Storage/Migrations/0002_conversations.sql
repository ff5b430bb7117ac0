-- Conversations and their messages. A message row is one turn: the user's text, an assistant
-- reply (text and/or tool calls), or the tool results answering the previous assistant turn.
CREATE TABLE conversations (
    id            TEXT PRIMARY KEY NOT NULL,
    title         TEXT,
    model         TEXT,                     -- what the person chose (alias, provider/model, id); null: the default
    system_prompt TEXT,
    channel_id    TEXT,                     -- the channel it came from (telegram, ...); null for the API/web UI
    created_at    INTEGER NOT NULL,         -- ms since the Unix epoch
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_updated_at ON conversations (updated_at DESC);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'system')),
    content         TEXT NOT NULL,
    tool_calls      TEXT,                   -- JSON [{id, name, arguments}] on assistant turns that called tools
    tool_results    TEXT,                   -- JSON [{toolCallId, name, output, isError}] on tool turns
    error           TEXT,                   -- set on a failed assistant turn: shown, never replayed to the model
    error_code      TEXT,
    run_id          TEXT,                   -- the agent run that wrote it
    model           TEXT,                   -- the model that answered (after aliases and fallbacks)
    provider        TEXT,
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    cost            REAL NOT NULL DEFAULT 0, -- USD
    created_at      INTEGER NOT NULL
) STRICT;
-- rowid keeps insertion order when timestamps tie.
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
