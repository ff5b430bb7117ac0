-- Costs and activity: a usage row per LLM call, the budget alerts already raised, and the activity feed.
-- conversation_id is plain text, not a foreign key: usage and activity outlive a deleted conversation.
CREATE TABLE llm_usage (
    id              INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    input_tokens    INTEGER NOT NULL,
    output_tokens   INTEGER NOT NULL,
    cost_micros     INTEGER NOT NULL,          -- USD in millionths: exact, no float drift
    price_known     INTEGER NOT NULL,          -- 0 when the model was not in the pricing table
    created_at      INTEGER NOT NULL           -- ms since the Unix epoch
) STRICT;
CREATE INDEX llm_usage_created_at ON llm_usage (created_at);
CREATE INDEX llm_usage_conversation ON llm_usage (conversation_id, created_at);

CREATE TABLE budget_alerts (
    period     TEXT NOT NULL,                  -- 'day:2026-11-28' or 'month:2026-11' in the configured time zone
    threshold  INTEGER NOT NULL,               -- the alert fraction in basis points (0.8 = 8000)
    created_at INTEGER NOT NULL,
    PRIMARY KEY (period, threshold)
) STRICT;

CREATE TABLE activity (
    id              INTEGER PRIMARY KEY,
    type            TEXT NOT NULL,             -- noun:verb
    conversation_id TEXT,
    channel         TEXT,
    skill_id        TEXT,
    data            TEXT NOT NULL,             -- a JSON object, secrets redacted before it is stored
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX activity_created_at ON activity (created_at, id);
CREATE INDEX activity_type ON activity (type, created_at);
CREATE INDEX activity_conversation ON activity (conversation_id, created_at);
CREATE INDEX activity_channel ON activity (channel, created_at);
CREATE INDEX activity_skill ON activity (skill_id, created_at);
