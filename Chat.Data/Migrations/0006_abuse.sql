-- Blocks: who does not want to hear from whom. The primary key answers "whom did I block";
-- the index on blocked_id answers "who blocked this sender", asked on every room message.

create table user_blocks (
    blocker_id uuid not null references users (id) on delete cascade,
    blocked_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null,
    primary key (blocker_id, blocked_id)
);

create index user_blocks_blocked_id on user_blocks (blocked_id);
