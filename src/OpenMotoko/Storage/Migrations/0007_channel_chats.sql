-- A conversation that a chat channel started is found again by the chat it belongs to: one
-- conversation per (channel, chat) at a time, so every message from that chat lands in it.
ALTER TABLE conversations ADD COLUMN channel_chat_id TEXT;
CREATE UNIQUE INDEX conversations_channel_chat ON conversations (channel_id, channel_chat_id) WHERE channel_chat_id IS NOT NULL;
