import type { MessageDto, MessagePartDto, MessageStreamingEvent, ReactionChangedEvent, ThreadPage, ThreadSummaryDto } from './types.js';

/** What happened to a message handed to the store. */
export type StoreOutcome = 'added' | 'replaced' | 'duplicate';

/**
 * What happened to a streamed part: `applied` (with any held parts it unblocked), `ignored` (held
 * already, or its reply is over), `held` (it waits for a missing part or for its message), `gap`
 * (held, and the first part of that reply to wait: the caller should `Sync` to fetch a stored copy).
 */
export type StreamOutcome = 'applied' | 'ignored' | 'held' | 'gap';

// Parts that wait are bounded: a reply's final copy (MessageUpdated, or Sync) holds everything anyway.
const maxHeldPartsPerMessage = 1000;
const maxMessagesWithHeldParts = 20;

/**
 * One room's messages, kept by seq. Pure: no network, no timers, so recovery is testable alone.
 *
 * `syncedThrough` is the seq up to which the store is known to hold everything the user may see.
 * A live message that lands past `syncedThrough + 1` leaves a gap; the client then asks the hub to
 * `Sync` after `syncedThrough`. Seqs the user cannot see (private messages between others) look like
 * gaps too: a complete sync closes them.
 *
 * Thread replies take the room's seqs like any message, so the store holds them for its seq
 * bookkeeping, but `messages` (the room's main list) leaves out those not sent `alsoToRoom`: they
 * are read with `threadReplies`. A reply that arrives bumps its root's `thread` summary.
 */
export class RoomMessageStore {
  private readonly byId = new Map<string, MessageDto>();
  /** Every held message by seq, thread replies included: what seq contiguity is judged on. */
  private ordered: MessageDto[] = [];
  /** The main list, derived from `ordered` when first asked for after a change. */
  private main: MessageDto[] | null = null;
  private synced = 0;
  private older = true;
  /** Replies in progress: the index of the last streamed part applied to the held copy. */
  private readonly appliedThrough = new Map<string, number>();
  /** Streamed parts that came before a missing one, or before their message: by message, by index. */
  private readonly heldParts = new Map<string, Map<number, MessageStreamingEvent>>();

  constructor(readonly roomId: string) {}

  /** The room's main list, oldest first, each id once: thread replies only when sent `alsoToRoom`. */
  get messages(): readonly MessageDto[] {
    this.main ??= this.ordered.filter(inMainList);
    return this.main;
  }

  /** The replies held of one thread, oldest first (live, synced, or loaded with `applyThreadPage`). */
  threadReplies(rootId: string): MessageDto[] {
    return this.ordered.filter((m) => m.threadRootId === rootId);
  }

  /** Highest seq up to which nothing is missing. */
  get syncedThrough(): number {
    return this.synced;
  }

  /** The highest seq held, a thread reply's too: how far the room has been seen. */
  get newestSeq(): number {
    return this.ordered.length ? this.ordered[this.ordered.length - 1].seq : 0;
  }

  /** The first seq of the main list: where paging history upward continues. */
  get oldestSeq(): number {
    const main = this.messages;
    return main.length ? main[0].seq : 0;
  }

  /** Whether history older than the first held message may exist. */
  get hasOlder(): boolean {
    return this.older && this.oldestSeq !== 1;
  }

  /**
   * Where `Sync` should start: after `syncedThrough`, or before the earliest reply still streaming,
   * so that its stored copy comes back (a reconnect may have lost some of its parts, or its end).
   */
  get syncAfterSeq(): number {
    let after = this.synced;
    for (const id of this.appliedThrough.keys()) {
      const message = this.byId.get(id);
      if (message) after = Math.min(after, message.seq - 1);
    }
    return Math.max(0, after);
  }

  /** True when a message past `syncedThrough + 1` is held: something in between is missing. */
  get hasGap(): boolean {
    return this.newestSeq > this.synced;
  }

  get(id: string): MessageDto | undefined {
    return this.byId.get(id);
  }

  /**
   * Starts from a room snapshot or the first history page: everything up to `lastSeq` is known.
   * Messages already held stay (a reconnect may re-open a room that was being read).
   */
  reset(recent: readonly MessageDto[], lastSeq: number, mayHaveOlder = true): void {
    for (const m of recent) this.put(m);
    this.synced = Math.max(this.synced, lastSeq, this.contiguousFrom(this.synced));
    this.older = mayHaveOlder && recent.length > 0;
  }

  /** A live message (MessageReceived, or the sender's own ack turned into a message). */
  receive(message: MessageDto): StoreOutcome {
    const outcome = this.put(message);
    this.synced = this.contiguousFrom(this.synced);
    return outcome;
  }

  /** An older page from GetHistory; `limit` tells whether the server may have more. */
  prependHistory(page: readonly MessageDto[], limit: number): number {
    let added = 0;
    for (const m of page) if (this.put(m) === 'added') added++;
    if (page.length < limit) this.older = false;
    this.synced = this.contiguousFrom(this.synced);
    return added;
  }

  /** The answer to Sync for this room. With `hasMore` false, everything up to now is held. */
  applySync(messages: readonly MessageDto[], hasMore: boolean): number {
    let added = 0;
    for (const m of messages) if (this.put(m) === 'added') added++;
    const lastReturned = messages.reduce((max, m) => Math.max(max, m.seq), this.synced);
    this.synced = hasMore ? lastReturned : Math.max(lastReturned, this.newestSeq);
    this.synced = this.contiguousFrom(this.synced);
    return added;
  }

  /** MessageUpdated: the newer copy wins; an unknown message is simply stored. */
  update(message: MessageDto): StoreOutcome {
    return this.put(message, true);
  }

  /**
   * MessageStreaming: a part of a reply in progress. Parts apply once each, in index order, and
   * only past what the held copy has (a stored copy from Sync or a snapshot already holds the parts
   * up to its `streamIndex`). A part ahead of a missing one waits until the missing one comes, or
   * until a stored copy that holds it replaces the message.
   */
  applyStreaming(part: MessageStreamingEvent): StreamOutcome {
    const held = this.byId.get(part.messageId);
    if (held && (held.status !== 'streaming' || held.deleted)) return 'ignored';
    const through = held ? (this.appliedThrough.get(held.id) ?? -1) : -1;
    if (held && part.index <= through) return 'ignored';
    if (!held || part.index > through + 1) return this.hold(part);
    this.applyFrom(held, part);
    return 'applied';
  }

  /**
   * A page of a thread (GetThread): its replies join the store, and the root, when held, takes the
   * copy that came with it (its summary is current). A root the store does not hold is not added:
   * it may be far above the main list's loaded part. Returns how many replies were new.
   */
  applyThreadPage(page: ThreadPage): number {
    if (this.byId.has(page.root.id)) this.put(page.root, true);
    let added = 0;
    for (const reply of page.replies) if (this.put(reply) === 'added') added++;
    this.synced = this.contiguousFrom(this.synced);
    return added;
  }

  /** MessagePinned / MessageUnpinned: flags the held copy. */
  applyPin(messageId: string, pinned: boolean): MessageDto | undefined {
    const held = this.byId.get(messageId);
    if (!held || (held.pinned ?? false) === pinned) return held;
    const changed = { ...held, pinned };
    this.replace(changed);
    return changed;
  }

  /** MessageDeleted: the message stays in place, emptied and flagged, as history shows it. */
  markDeleted(messageId: string): MessageDto | undefined {
    const held = this.byId.get(messageId);
    if (!held) return undefined;
    this.endStream(messageId);
    const deleted: MessageDto = { ...held, deleted: true, content: '', attachment: null };
    this.replace(deleted);
    return deleted;
  }

  /** ReactionChanged carries the new count; zero removes the emoji. */
  applyReaction(event: ReactionChangedEvent): MessageDto | undefined {
    const held = this.byId.get(event.messageId);
    if (!held) return undefined;
    const reactions = { ...held.reactions };
    if (event.count > 0) reactions[event.emoji] = event.count;
    else delete reactions[event.emoji];
    const changed = { ...held, reactions };
    this.replace(changed);
    return changed;
  }

  private put(message: MessageDto, preferIncoming = false): StoreOutcome {
    const held = this.byId.get(message.id);
    if (held) {
      if (!this.supersedes(message, held, preferIncoming)) return 'duplicate';
      this.replace(message);
      this.trackStream(message);
      return 'replaced';
    }
    this.byId.set(message.id, message);
    const index = this.insertionIndex(message.seq);
    this.ordered = [...this.ordered.slice(0, index), message, ...this.ordered.slice(index)];
    this.main = null;
    this.trackStream(message);
    if (message.threadRootId) this.countReply(message);
    return 'added';
  }

  /**
   * A reply new to this store: its root (when held) shows one more reply, unless the root's
   * summary already counts it (it came with the root's copy, which is as new as its lastReplySeq;
   * two replies may share a sending time, never a seq).
   */
  private countReply(reply: MessageDto): void {
    const root = this.byId.get(reply.threadRootId ?? '');
    if (!root) return;
    const summary = root.thread;
    if (summary && counted(summary, reply)) return;
    const thread: ThreadSummaryDto = {
      replyCount: (summary?.replyCount ?? 0) + 1,
      lastReplyAt: reply.sentAt,
      latestReplierIds: [reply.senderId, ...(summary?.latestReplierIds ?? []).filter((id) => id !== reply.senderId)].slice(0, 3),
      lastReplySeq: Math.max(reply.seq, summary?.lastReplySeq ?? 0),
    };
    this.replace({ ...root, thread });
  }

  /** Whether `incoming` should replace the copy held. */
  private supersedes(incoming: MessageDto, held: MessageDto, preferIncoming: boolean): boolean {
    if (held.status === 'streaming' && !held.deleted) {
      // The end of the reply always wins; a copy still streaming only when it holds more parts than
      // were applied live (a stored copy is up to a second behind the live parts).
      if (incoming.status !== 'streaming' || incoming.deleted) return true;
      return (incoming.streamIndex ?? -1) > (this.appliedThrough.get(held.id) ?? -1);
    }
    // A copy of a reply still in progress, come late, never takes a finished reply back.
    if (incoming.status === 'streaming' && !incoming.deleted) return false;
    return preferIncoming || isNewer(incoming, held);
  }

  /** A stored message just became the held copy: note where its stream stands, then apply waiting parts. */
  private trackStream(message: MessageDto): void {
    if (message.status !== 'streaming' || message.deleted) {
      this.endStream(message.id);
      return;
    }
    const through = message.streamIndex ?? -1;
    this.appliedThrough.set(message.id, through);
    const waiting = this.heldParts.get(message.id);
    if (!waiting) return;
    for (const index of [...waiting.keys()]) if (index <= through) waiting.delete(index);
    const next = waiting.get(through + 1);
    if (next) this.applyFrom(message, next);
    else if (waiting.size === 0) this.heldParts.delete(message.id);
  }

  private endStream(messageId: string): void {
    this.appliedThrough.delete(messageId);
    this.heldParts.delete(messageId);
  }

  /** Applies `part` (the next one) to `message`, then every held part that follows on without a gap. */
  private applyFrom(message: MessageDto, part: MessageStreamingEvent): void {
    const waiting = this.heldParts.get(message.id);
    let current = message;
    let next: MessageStreamingEvent | undefined = part;
    while (next) {
      current = withPart(current, next);
      waiting?.delete(next.index);
      this.appliedThrough.set(message.id, next.index);
      next = waiting?.get(next.index + 1);
    }
    if (waiting && waiting.size === 0) this.heldParts.delete(message.id);
    this.replace(current);
  }

  private hold(part: MessageStreamingEvent): StreamOutcome {
    let waiting = this.heldParts.get(part.messageId);
    const first = !waiting || waiting.size === 0;
    if (!waiting) {
      if (this.heldParts.size >= maxMessagesWithHeldParts) {
        const oldest = this.heldParts.keys().next().value;
        if (oldest !== undefined) this.heldParts.delete(oldest);
      }
      this.heldParts.set(part.messageId, (waiting = new Map()));
    }
    if (waiting.has(part.index)) return 'ignored';
    if (waiting.size >= maxHeldPartsPerMessage) return 'ignored';
    waiting.set(part.index, part);
    return first ? 'gap' : 'held';
  }

  private replace(message: MessageDto): void {
    this.byId.set(message.id, message);
    this.ordered = this.ordered.map((m) => (m.id === message.id ? message : m));
    this.main = null;
  }

  /** Binary search: the index after every message with a lower or equal seq. */
  private insertionIndex(seq: number): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ordered[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Walks forward from `from` while the next seq is held. */
  private contiguousFrom(from: number): number {
    let through = from;
    let index = this.insertionIndex(through);
    while (index < this.ordered.length && this.ordered[index].seq === through + 1) {
      through++;
      index++;
    }
    return through;
  }
}

/** The message with one streamed part added: text grows the last text part, tools add parts of their own. */
function withPart(message: MessageDto, part: MessageStreamingEvent): MessageDto {
  const parts: MessagePartDto[] = [...(message.parts ?? [])];
  let content = message.content;
  if (part.kind === 'text_delta') {
    const text = part.text ?? '';
    content += text;
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') parts[parts.length - 1] = { ...last, text: (last.text ?? '') + text };
    else parts.push({ kind: 'text', text });
  } else if (part.kind === 'tool_call') {
    parts.push({ kind: 'tool_call', callId: part.callId, name: part.name, arguments: part.arguments });
  } else if (part.kind === 'tool_result') {
    parts.push({ kind: 'tool_result', callId: part.callId, result: part.result, isError: part.isError });
  }
  // A kind this client does not know only moves the index on: the final copy will have it in its parts.
  return { ...message, content, parts };
}

/** Whether a message belongs to the room's main list: not a thread reply, or one also sent to the room. */
export function inMainList(message: MessageDto): boolean {
  return !message.threadRootId || message.alsoToRoom === true;
}

/** A copy that was edited, deleted or reacted to later replaces the one held. */
function isNewer(incoming: MessageDto, held: MessageDto): boolean {
  if (incoming.deleted && !held.deleted) return true;
  const a = incoming.editedAt?.getTime() ?? 0;
  const b = held.editedAt?.getTime() ?? 0;
  return a > b;
}

// Whether a root's summary already counts a reply: by seq, or by time from a server that sends no
// lastReplySeq.
function counted(summary: ThreadSummaryDto, reply: MessageDto): boolean {
  return summary.lastReplySeq > 0
    ? reply.seq <= summary.lastReplySeq
    : reply.sentAt.getTime() <= summary.lastReplyAt.getTime();
}
