-- Where a webhook also sends its run's answer (deliverTo: a channel and a chat), or NULL.
ALTER TABLE webhooks ADD COLUMN deliver_channel TEXT;
ALTER TABLE webhooks ADD COLUMN deliver_chat_id TEXT;
