-- Offline notifications over Web Push: the browsers' push subscriptions, the rooms whose
-- notifications each user muted, and the status each user chose last.

-- An endpoint is a browser's push channel: it belongs to one user at a time (whoever subscribed
-- in that browser last), so it is the key. p256dh (65 bytes) and auth (16 bytes) are what the
-- payload is encrypted for.
create table push_subscriptions (
    endpoint   text primary key,
    user_id    uuid not null references users (id) on delete cascade,
    p256dh     bytea not null,
    auth       bytea not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index push_subscriptions_user on push_subscriptions (user_id);

-- A preference of the user, not of the membership: it outlives leaving and joining again.
create table room_notification_mutes (
    user_id  uuid not null references users (id) on delete cascade,
    room_id  uuid not null references rooms (id) on delete cascade,
    muted_at timestamptz not null,
    primary key (user_id, room_id)
);

-- users.status becomes 'offline' with the last connection; do-not-disturb must outlast it, so the
-- last status other than offline is kept beside it.
alter table users add column chosen_status text not null default 'online';
