-- Blocks: who does not want to hear from whom. The primary key answers "whom did I block";
-- the index on blocked_id answers "who blocked this sender", asked on every room message.

create table user_blocks (
    blocker_id uuid not null references users (id) on delete cascade,
    blocked_id uuid not null references users (id) on delete cascade,
    created_at timestamptz not null,
    primary key (blocker_id, blocked_id)
);

create index user_blocks_blocked_id on user_blocks (blocked_id);

-- The activity log: who did what, when, where. Written in batches off the hot path; read by the
-- admin report, which counts a range of days, hence the index on at.

create table activity (
    id      bigserial primary key,
    at      timestamptz not null,
    user_id uuid not null,
    room_id uuid,
    action  text not null
);

create index activity_at on activity (at);
