-- An endpoint whose deliveries keep failing is paused: it gets no new deliveries until one of its
-- admins resumes it, or until a delivery still on its way to it gets through. Without this, an
-- endpoint that is gone for good costs every later event the whole retry schedule.

alter table webhooks
    -- Deliveries in a row that ended failed (every attempt used); one delivered sets it to 0.
    add column failed_in_a_row integer not null default 0,
    -- Set when failed_in_a_row reached the nodes' Webhooks:PauseAfterFailedDeliveries.
    add column paused_at timestamptz;

/* Whether some endpoint of the room, or a global one, wants the event type (paused ones do not). */
create or replace function webhook_wanted(p_room_id uuid, p_event_type text) returns boolean
language sql stable as $$
    select exists (select 1 from webhooks w
                   where (w.room_id = p_room_id or w.room_id is null) and p_event_type = any (w.events)
                     and w.paused_at is null)
$$;

/*
 * Writes one delivery of the event to each endpoint that wants it (paused ones do not), in the
 * caller's transaction, and wakes the nodes' delivery workers when that transaction commits.
 * Returns how many it wrote. p_data: the wire form of the event's data, or a snapshot the nodes
 * turn into it.
 */
create or replace function webhook_emit(p_room_id uuid, p_event_type text, p_data jsonb) returns integer
language plpgsql as $$
declare
    written integer;
begin
    insert into webhook_deliveries (id, webhook_id, event_type, room_id, data, created_at, next_attempt_at)
    select gen_random_uuid(), w.id, p_event_type, p_room_id, p_data, now(), now()
    from webhooks w
    where (w.room_id = p_room_id or w.room_id is null) and p_event_type = any (w.events) and p_data is not null
      and w.paused_at is null;
    get diagnostics written = row_count;
    if written > 0 then
        perform pg_notify('webhook_deliveries', '');
    end if;
    return written;
end
$$;

/*
 * message.created for every message a statement stores, private messages left out, to the
 * endpoints that want it and are not paused. One call per statement, not per row: with no
 * endpoint anywhere it costs the batch one look at an empty table.
 */
create or replace function webhook_messages_created() returns trigger
language plpgsql as $$
begin
    if not exists (select 1 from webhooks) then
        return null;
    end if;
    insert into webhook_deliveries (id, webhook_id, event_type, room_id, data, created_at, next_attempt_at)
    select gen_random_uuid(), w.id, 'message.created', n.room_id, webhook_message_snapshot(n), now(), now()
    from created n
    join webhooks w on (w.room_id = n.room_id or w.room_id is null) and 'message.created' = any (w.events)
                       and w.paused_at is null
    where n.to_user_id is null;
    if found then
        perform pg_notify('webhook_deliveries', '');
    end if;
    return null;
end
$$;
