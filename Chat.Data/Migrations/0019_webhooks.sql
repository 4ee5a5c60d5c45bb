-- Webhooks: endpoints of other services that hear a room's events (or every room's), and the
-- outbox of deliveries to them. A delivery row is written in the transaction that stores its
-- event, and only when some endpoint wants that event of that room, so a node that dies loses
-- none and a service without webhooks writes nothing more.

create table webhooks (
    id         uuid primary key,
    -- Null for a global admin's endpoint, which hears every room.
    room_id    uuid references rooms (id) on delete cascade,
    url        text not null,
    events     text[] not null,
    -- The signing secret as WebhookSecrets stores it: sealed with Webhooks:SecretKey when one is set.
    secret     text not null,
    created_by uuid not null,
    created_at timestamptz not null
);

create index webhooks_room_id on webhooks (room_id);

create table webhook_deliveries (
    -- The Webhook-Id header and the body's id: the same on every attempt.
    id               uuid primary key,
    webhook_id       uuid not null references webhooks (id) on delete cascade,
    event_type       text not null,
    room_id          uuid not null,
    -- What the event was when it happened: for messages and members a snapshot of their rows
    -- (see webhook_message_snapshot, webhook_member_snapshot), which the node turns into the
    -- DTO of the REST API; for the rest the wire form itself.
    data             jsonb not null,
    created_at       timestamptz not null,
    status           text not null default 'pending',
    attempts         integer not null default 0,
    -- While pending: when a node may take it next. A node that takes it moves this forward by its
    -- lease, so a node that dies holding it gives it up when the lease runs out.
    next_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz
);

-- What the nodes look for: due deliveries. Finished ones leave the index.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
-- An endpoint's deliveries, the latest first, for its admins and for the cascade of its deletion.
create index webhook_deliveries_of_webhook on webhook_deliveries (webhook_id, created_at desc);
-- Finished deliveries by age, for the clean-up.
create index webhook_deliveries_finished on webhook_deliveries (created_at) where status <> 'pending';

/* Whether some endpoint of the room, or a global one, wants the event type. */
create function webhook_wanted(p_room_id uuid, p_event_type text) returns boolean
language sql stable as $$
    select exists (select 1 from webhooks w
                   where (w.room_id = p_room_id or w.room_id is null) and p_event_type = any (w.events))
$$;

/*
 * Writes one delivery of the event to each endpoint that wants it, in the caller's transaction,
 * and wakes the nodes' delivery workers when that transaction commits. Returns how many it wrote.
 * p_data: the wire form of the event's data, or a snapshot the nodes turn into it.
 */
create function webhook_emit(p_room_id uuid, p_event_type text, p_data jsonb) returns integer
language plpgsql as $$
declare
    written integer;
begin
    insert into webhook_deliveries (id, webhook_id, event_type, room_id, data, created_at, next_attempt_at)
    select gen_random_uuid(), w.id, p_event_type, p_room_id, p_data, now(), now()
    from webhooks w
    where (w.room_id = p_room_id or w.room_id is null) and p_event_type = any (w.events) and p_data is not null;
    get diagnostics written = row_count;
    if written > 0 then
        perform pg_notify('webhook_deliveries', '');
    end if;
    return written;
end
$$;

/*
 * A message as it is now, for a delivery: its row, its sender's name, its file's description and
 * its reactions. The node reads it back with the columns of a history read (MessageLog), so the
 * data is the MessageDto the REST API shows.
 */
create function webhook_message_snapshot(m messages) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'message', to_jsonb(m),
        'sender', (select jsonb_build_object('id', u.id, 'display_name', u.display_name) from users u where u.id = m.sender_id),
        'attachment', (select jsonb_build_object('id', a.id, 'file_name', a.file_name, 'content_type', a.content_type, 'size', a.size)
                       from attachments a where a.id = m.attachment_id),
        'reactions', coalesce((select jsonb_object_agg(x.emoji, x.n)
                               from (select r.emoji, count(*) as n from message_reactions r where r.message_id = m.id group by r.emoji) x),
                              '{}'::jsonb))
$$;

/* A membership as it is now, for a delivery: the member's row and the user's profile (no password hash). */
create function webhook_member_snapshot(p_room_id uuid, p_user_id uuid) returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'member', to_jsonb(rm),
        'user', jsonb_build_object('id', u.id, 'user_name', u.user_name, 'display_name', u.display_name, 'status', u.status))
    from room_members rm join users u on u.id = rm.user_id
    where rm.room_id = p_room_id and rm.user_id = p_user_id
$$;

/* member.joined and member.role_changed: the member as the change left them. */
create function webhook_emit_member(p_room_id uuid, p_user_id uuid, p_event_type text) returns integer
language plpgsql as $$
begin
    if not webhook_wanted(p_room_id, p_event_type) then
        return 0;
    end if;
    return webhook_emit(p_room_id, p_event_type, webhook_member_snapshot(p_room_id, p_user_id));
end
$$;

/*
 * message.pinned, for the pin's transaction to call once the pin is stored: the message as it is,
 * with who pinned it and when; the node sends the PinDto.
 */
create function webhook_emit_pinned(p_room_id uuid, p_message_id uuid, p_pinned_by uuid, p_pinned_at timestamptz) returns integer
language plpgsql as $$
begin
    if not webhook_wanted(p_room_id, 'message.pinned') then
        return 0;
    end if;
    return webhook_emit(p_room_id, 'message.pinned',
        (select webhook_message_snapshot(m) || jsonb_build_object('pinned_by', p_pinned_by, 'pinned_at', p_pinned_at)
         from messages m where m.id = p_message_id and m.room_id = p_room_id and m.to_user_id is null));
end
$$;

/* message.unpinned, for the unpin's (or the deletion's) transaction: {roomId, messageId, by}. */
create function webhook_emit_unpinned(p_room_id uuid, p_message_id uuid, p_by uuid) returns integer
language plpgsql as $$
begin
    if not webhook_wanted(p_room_id, 'message.unpinned') then
        return 0;
    end if;
    return webhook_emit(p_room_id, 'message.unpinned',
        jsonb_build_object('roomId', p_room_id, 'messageId', p_message_id, 'by', p_by));
end
$$;

/*
 * message.created for every message a statement stores, whichever writer stores it (the batched
 * writer, joins and leaves, bot replies), private messages left out. One call per statement, not
 * per row: with no endpoint anywhere it costs the batch one look at an empty table.
 */
create function webhook_messages_created() returns trigger
language plpgsql as $$
begin
    if not exists (select 1 from webhooks) then
        return null;
    end if;
    insert into webhook_deliveries (id, webhook_id, event_type, room_id, data, created_at, next_attempt_at)
    select gen_random_uuid(), w.id, 'message.created', n.room_id, webhook_message_snapshot(n), now(), now()
    from created n
    join webhooks w on (w.room_id = n.room_id or w.room_id is null) and 'message.created' = any (w.events)
    where n.to_user_id is null;
    if found then
        perform pg_notify('webhook_deliveries', '');
    end if;
    return null;
end
$$;

create trigger webhook_messages_created after insert on messages
    referencing new table as created
    for each statement execute function webhook_messages_created();

/* message.updated and message.deleted: the event type is the trigger's argument. */
create function webhook_message_changed() returns trigger
language plpgsql as $$
begin
    if webhook_wanted(new.room_id, tg_argv[0]) then
        perform webhook_emit(new.room_id, tg_argv[0], webhook_message_snapshot(new));
    end if;
    return null;
end
$$;

-- The conditions are the triggers' WHEN clauses, checked without calling anything: the updates a
-- streaming reply makes as it grows, receipts and the like never reach the function. An edit
-- stamps edited_at; a bot's reply is updated once more when it ends (MessageUpdated likewise).
create trigger webhook_message_updated after update on messages
    for each row
    when (new.to_user_id is null and not new.deleted
          and (new.edited_at is distinct from old.edited_at or (old.status = 'streaming' and new.status <> 'streaming')))
    execute function webhook_message_changed('message.updated');

create trigger webhook_message_deleted after update on messages
    for each row
    when (new.to_user_id is null and new.deleted and not old.deleted)
    execute function webhook_message_changed('message.deleted');
