-- Invitations: only the SHA-256 of a token is stored, so a leaked table cannot be replayed as
-- invitations. uses counts accepted joins; max_uses null means unlimited.
create table room_invitations (
    token_hash bytea primary key,
    room_id    uuid not null references rooms (id) on delete cascade,
    created_by uuid not null references users (id) on delete cascade,
    expires_at timestamptz not null,
    max_uses   int,
    uses       int not null default 0,
    created_at timestamptz not null
);

create index room_invitations_room_id on room_invitations (room_id);

-- Room search by name: a trigram index answers case-insensitive substring matches
-- (lower(name) like '%q%') without a scan, and similarity() ranks them.
create extension if not exists pg_trgm;

create index rooms_name_trgm on rooms using gin (lower(name) gin_trgm_ops);

-- Retention deletes a room's oldest messages in batches: this index finds them without a scan.
create index messages_room_id_sent_at on messages (room_id, sent_at);
