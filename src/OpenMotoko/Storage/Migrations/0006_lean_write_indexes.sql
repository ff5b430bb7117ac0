-- Every activity and usage row paid for indexes no query used: the activity list filters with
-- "($x IS NULL OR col = $x)", which SQLite cannot answer from an index (EXPLAIN QUERY PLAN: SCAN),
-- and no query looks usage up by conversation. Each index cost a page write per row on every turn.
-- The activity list now runs newest first by id (the order events were stored).
DROP INDEX activity_created_at;
DROP INDEX activity_type;
DROP INDEX activity_conversation;
DROP INDEX activity_channel;
DROP INDEX activity_skill;
DROP INDEX llm_usage_conversation;
