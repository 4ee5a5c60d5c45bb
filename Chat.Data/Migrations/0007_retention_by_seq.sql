-- Retention now walks a room's log in seq order (messages (room_id, seq) is already unique), so
-- the index on (room_id, sent_at) only cost every stored message one more index entry.
drop index if exists messages_room_id_sent_at;
