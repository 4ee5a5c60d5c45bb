-- A mute is a sanction on the user in a room, like a ban: it outlives the membership, so leaving
-- and joining again, or accepting an invitation, does not lift it. room_members.muted_until is no
-- longer read; it stays until no node of an older build runs, so a rolling deploy keeps working.
create table room_mutes (
    room_id     uuid not null references rooms (id) on delete cascade,
    user_id     uuid not null references users (id) on delete cascade,
    muted_until timestamptz not null,
    primary key (room_id, user_id)
);

insert into room_mutes (room_id, user_id, muted_until)
select room_id, user_id, muted_until from room_members where muted_until is not null;
