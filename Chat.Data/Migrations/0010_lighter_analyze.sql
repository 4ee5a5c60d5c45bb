-- Every sent message adds a row to messages and one to activity, so autovacuum analyzes both
-- again and again as they grow. With the default statistics target it samples 30,000 rows, which
-- on a large table means reading up to 30,000 scattered pages: on the benchmark machine that took
-- two seconds per table, and while it read, every send's commit waited behind it (BENCHMARKS.md,
-- "5 December, late"). Their queries go by key and index (a room's seq range, ids, a user's days
-- of activity), which a 3,000-row sample estimates just as well, and it reads a tenth of the pages.
-- A column added to either table later samples 30,000 rows again unless it is given the same.
alter table messages
    alter column id set statistics 10,
    alter column room_id set statistics 10,
    alter column seq set statistics 10,
    alter column sender_id set statistics 10,
    alter column client_message_id set statistics 10,
    alter column type set statistics 10,
    alter column content set statistics 10,
    alter column to_user_id set statistics 10,
    alter column reply_to_id set statistics 10,
    alter column attachment_id set statistics 10,
    alter column metadata set statistics 10,
    alter column sent_at set statistics 10,
    alter column edited_at set statistics 10,
    alter column deleted set statistics 10;

alter table activity
    alter column at set statistics 10,
    alter column user_id set statistics 10,
    alter column room_id set statistics 10,
    alter column action set statistics 10;
