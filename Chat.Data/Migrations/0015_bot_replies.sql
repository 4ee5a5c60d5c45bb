-- Bots reply by streaming: a reply is stored as soon as it starts and grows in place. Every
-- other message is complete from the start, which the column's default says.
alter table messages
    add column status       text not null default 'complete',
    add column parts        jsonb,
    add column stream_index integer,
    add column error        jsonb,
    -- The last time the node running the reply stored it; a reply left streaming without it
    -- for long belongs to a node that died and is ended by the sweeper of another.
    add column streamed_at  timestamptz,
    -- Who asked, on any node, for the reply to stop; the node running it finishes it.
    add column stop_requested_by uuid;

-- The sweeper looks for replies still streaming; there are only ever a few.
create index messages_streaming on messages (streamed_at) where status = 'streaming';

-- Sampled lightly, like the table's other columns (0010_lighter_analyze).
alter table messages
    alter column status set statistics 10,
    alter column parts set statistics 10,
    alter column stream_index set statistics 10,
    alter column error set statistics 10,
    alter column streamed_at set statistics 10,
    alter column stop_requested_by set statistics 10;
