-- Every agent run, top-level and sub-agent, so GET /api/agents/:id answers after it ended and after a
-- restart. Spend in USD millionths like llm_usage; runs still queued or running when the daemon
-- starts were interrupted by a restart and are marked failed then.
CREATE TABLE agent_runs (
    id TEXT PRIMARY KEY,
    parent_id TEXT,
    conversation_id TEXT NOT NULL,
    name TEXT,
    task TEXT NOT NULL,
    model TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    depth INTEGER NOT NULL DEFAULT 0,
    budget_micros INTEGER,
    spent_micros INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    output TEXT
);
CREATE INDEX agent_runs_parent ON agent_runs (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX agent_runs_finished ON agent_runs (finished_at);
