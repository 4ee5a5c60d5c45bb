-- Refresh tokens: a sign-in starts a family, and each refresh replaces the family's current token
-- with a new one. Only a hash of each token is stored. A replaced token is kept (used_at set) until
-- it expires, so that presenting it again can be recognised as a stolen copy and the whole family
-- revoked.
create table refresh_tokens (
    id          uuid primary key,
    family_id   uuid not null,
    user_id     uuid not null references users (id) on delete cascade,
    token_hash  bytea not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz
);

create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id) where revoked_at is null;
-- The purge of expired tokens.
create index refresh_tokens_expiry on refresh_tokens (expires_at);
