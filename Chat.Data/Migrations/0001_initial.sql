-- Users, rooms, memberships and messages: the foundation of the chat service.

create table users (
    id            uuid primary key,
    user_name     text not null,
    display_name  text not null,
    avatar_url    text,
    password_hash text,
    role          text not null default 'user',
    status        text not null default 'offline',
    last_seen_at  timestamptz,
    created_at    timestamptz not null
);

-- userNames are folded to lower case before they are stored; the index keeps them unique.
create unique index users_user_name_key on users (user_name);

create table rooms (
    id         uuid primary key,
    name       text not null,
    topic      text,
    is_private boolean not null,
    settings   jsonb not null,
    -- The last seq handed out in this room. Bumping it takes the row lock that keeps seq gap-free.
    last_seq   bigint not null default 0,
    created_by uuid references users (id),
    created_at timestamptz not null
);

create table room_members (
    room_id       uuid not null references rooms (id) on delete cascade,
    user_id       uuid not null references users (id) on delete cascade,
    role          text not null,
    muted_until   timestamptz,
    joined_at     timestamptz not null,
    delivered_seq bigint not null default 0,
    read_seq      bigint not null default 0,
    read_at       timestamptz,
    primary key (room_id, user_id)
);

create index room_members_user_id on room_members (user_id);

create table room_bans (
    room_id   uuid not null references rooms (id) on delete cascade,
    user_id   uuid not null references users (id) on delete cascade,
    banned_by uuid references users (id),
    reason    text,
    banned_at timestamptz not null,
    primary key (room_id, user_id)
);

create table messages (
    id                uuid primary key,
    room_id           uuid not null references rooms (id) on delete cascade,
    seq               bigint not null,
    sender_id         uuid not null references users (id),
    client_message_id uuid,
    type              text not null,
    content           text not null,
    to_user_id        uuid references users (id),
    reply_to_id       uuid,
    attachment_id     uuid,
    metadata          jsonb,
    sent_at           timestamptz not null,
    edited_at         timestamptz,
    deleted           boolean not null default false,
    unique (room_id, seq)
);

-- Idempotent sends: one row per sender and client message id in a room.
create unique index messages_client_message_id
    on messages (room_id, sender_id, client_message_id)
    where client_message_id is not null;
