-- Scheduled tasks (a cron expression or a one-shot time) and their runs. next_trigger says whether
-- the next due time is the schedule's own or a retry's, so a retry survives a restart.
CREATE TABLE scheduled_tasks (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT,
    cron         TEXT,
    run_at       INTEGER,
    timezone     TEXT NOT NULL,
    handler      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    enabled      INTEGER NOT NULL,
    status       TEXT NOT NULL DEFAULT 'idle',
    last_run_at  INTEGER,
    next_run_at  INTEGER,
    next_trigger TEXT NOT NULL DEFAULT 'schedule',
    retry_count  INTEGER NOT NULL DEFAULT 0,
    max_retries  INTEGER NOT NULL,
    timeout_sec  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX scheduled_tasks_next ON scheduled_tasks (next_run_at) WHERE enabled = 1;

CREATE TABLE scheduled_runs (
    id              TEXT PRIMARY KEY,
    task_id         TEXT NOT NULL REFERENCES scheduled_tasks (id) ON DELETE CASCADE,
    trigger         TEXT NOT NULL,
    status          TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    duration_ms     INTEGER,
    output          TEXT,
    error           TEXT,
    conversation_id TEXT,
    cost            REAL NOT NULL DEFAULT 0 -- USD
);
CREATE INDEX scheduled_runs_task ON scheduled_runs (task_id, started_at DESC);
CREATE INDEX scheduled_runs_status ON scheduled_runs (status) WHERE status = 'running';
