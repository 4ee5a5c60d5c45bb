-- Invitations get an id of their own, so that moderators can list and revoke them without the
-- token, which is never stored.
alter table room_invitations add column id uuid not null default gen_random_uuid();

create unique index room_invitations_id on room_invitations (id);
