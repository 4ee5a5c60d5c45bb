-- Reactions: one row per user, message and emoji. Counts are aggregated when messages are read;
-- the primary key's leading message_id serves both the aggregate and the per-emoji count.

create table message_reactions (
    message_id uuid not null references messages (id) on delete cascade,
    user_id    uuid not null references users (id) on delete cascade,
    emoji      text not null,
    created_at timestamptz not null,
    primary key (message_id, user_id, emoji)
);
