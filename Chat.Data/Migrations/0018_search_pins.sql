-- Message search (full text, in the language the room had when a message was stored) and pins.

-- A message's words as full-text search sees them. The configuration is a name, not a regconfig:
-- pg_upgrade refuses tables with regconfig columns (the OIDs of text search configurations are
-- not kept across major versions), and a name's cast is only stable, so the generated column
-- calls it through this function, which promises what holds in practice: the same name and text
-- always give the same vector. PL/pgSQL rather than SQL: a SQL function whose body is less
-- immutable than it says is never inlined, and calling it costs about half of to_tsvector again.
-- '<' and '>' become control characters (blanks to the parser, as in the highlight, see
-- MessageSearchRepository): otherwise the parser takes "<script>" for an HTML tag and drops it.
create function message_search_vector(config text, content text) returns tsvector
    language plpgsql immutable parallel safe
as $$
begin
    return to_tsvector(coalesce(config, 'simple')::regconfig, translate(content, '<>', E'\x04\x05'));
end
$$;

-- Matches when any of the queries matches: a search asks in every language of the rooms it
-- covers at once (see MessageSearchRepository), so that the index serves the whole search.
create aggregate tsquery_any(tsquery) (sfunc = tsquery_or, stype = tsquery);

-- search_config: the room's searchLanguage when the message was stored, null for "simple" (what
-- every message stored before this migration had), so most rows pay nothing for it.
-- search_vector: empty for joins and leaves, for a reply while it streams (it is stored again
-- every second; an unchanged empty vector keeps those updates HOT) and for deleted messages,
-- whose content is emptied. Edits recompute it with the content.
-- pinned_at, pinned_by: a pin is part of the message, so deleting the message (or retention
-- deleting its row) takes the pin along, and reading whether a message is pinned costs nothing.
--
-- Adding a stored generated column rewrites the table once, under an exclusive lock, computing
-- every existing message's vector: on a large installation, apply this migration with the
-- `migrate` command in a quiet hour rather than at a node's start.
alter table messages
    add column search_config text,
    add column pinned_at     timestamptz,
    add column pinned_by     uuid,
    add column search_vector tsvector generated always as (
        message_search_vector(search_config,
                              case when status = 'streaming' or type in ('join', 'leave') then '' else content end)) stored;

-- Sampled lightly, like the table's other columns (0010_lighter_analyze).
alter table messages
    alter column search_config set statistics 10,
    alter column pinned_at set statistics 10,
    alter column pinned_by set statistics 10,
    alter column search_vector set statistics 10;

create index messages_search on messages using gin (search_vector);

-- A room's pins, latest first, and their count. Partial: only pinned messages are in it, at most
-- 50 a room, so a stored message costs it one predicate check.
create index messages_pinned on messages (room_id, pinned_at desc) where pinned_at is not null;

-- Every search configuration a room's messages may be indexed in: its searchLanguage now and
-- every earlier one. A search asks in each of them, each message in its own.
alter table rooms add column search_languages text[] not null default '{simple}';
