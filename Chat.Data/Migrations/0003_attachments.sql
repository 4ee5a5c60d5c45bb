-- Uploaded files. PostgreSQL is their durable store: one backup, one transaction scope, and the
-- room's deletion takes its files along.

create table attachments (
    id           uuid primary key,
    room_id      uuid not null references rooms (id) on delete cascade,
    uploader_id  uuid not null references users (id),
    file_name    text not null,
    content_type text not null,
    size         bigint not null,
    data         bytea not null,
    created_at   timestamptz not null
);

create index attachments_room_id on attachments (room_id);

-- Out of line and uncompressed: images and archives are compressed already, so TOAST's own
-- compression would only cost CPU, and an uncompressed value lets substring() fetch just the
-- chunks a download reads next instead of the whole file.
alter table attachments alter column data set storage external;

-- A message names an attachment that exists. Should a file ever be removed (retention, say), its
-- messages stay in history without it rather than blocking the removal.
alter table messages
    add constraint messages_attachment_id_fkey
    foreign key (attachment_id) references attachments (id) on delete set null;
