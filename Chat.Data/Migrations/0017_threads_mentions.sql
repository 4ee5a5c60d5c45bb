-- Threads and mentions.
--
-- A thread reply is a message of its room with thread_root_id set (also_to_room: it shows in the
-- room's main list too). Its root carries the thread's summary (reply_count, last_reply_at,
-- last_reply_seq, latest_replier_ids), updated in the transaction that stores the reply, so a
-- read of the root costs no count over its replies. Mentions are resolved when a message is
-- stored or edited: mentions holds the user ids, mentions_room an @room from a moderator.
-- Every new column is null or its default for a message that is none of these: adding them with
-- a constant default rewrites nothing.
alter table messages
    add column thread_root_id     uuid,
    add column also_to_room       boolean not null default false,
    add column reply_count        integer not null default 0,
    add column last_reply_at      timestamptz,
    add column last_reply_seq     bigint,
    add column latest_replier_ids uuid[],
    add column mentions           uuid[],
    add column mentions_room      boolean not null default false;

-- A thread's replies in order; only replies are indexed, so other messages pay nothing for it.
create index messages_thread on messages (thread_root_id, seq) where thread_root_id is not null;

-- Sampled lightly, like the table's other columns (0010_lighter_analyze).
alter table messages
    alter column thread_root_id set statistics 10,
    alter column also_to_room set statistics 10,
    alter column reply_count set statistics 10,
    alter column last_reply_at set statistics 10,
    alter column last_reply_seq set statistics 10,
    alter column latest_replier_ids set statistics 10,
    alter column mentions set statistics 10,
    alter column mentions_room set statistics 10;

-- Who takes part in a thread (its root's sender, its repliers, whoever marked it read) and how far
-- each has read it. The key answers "my threads in this room"; a root removed by retention takes
-- its rows along.
create table thread_participants (
    user_id       uuid not null,
    room_id       uuid not null,
    root_id       uuid not null references messages (id) on delete cascade,
    last_read_seq bigint not null default 0,
    primary key (user_id, room_id, root_id)
);

create index thread_participants_root_id on thread_participants (root_id);
