import type { MessageDto, ReactionChangedEvent } from './types';

/** What happened to a message handed to the store. */
export type StoreOutcome = 'added' | 'replaced' | 'duplicate';

/**
 * One room's messages, kept by seq. Pure: no network, no timers, so recovery is testable alone.
 *
 * `syncedThrough` is the seq up to which the store is known to hold everything the user may see.
 * A live message that lands past `syncedThrough + 1` leaves a gap; the client then asks the hub to
 * `Sync` after `syncedThrough`. Seqs the user cannot see (private messages between others) look like
 * gaps too: a complete sync closes them.
 */
export class RoomMessageStore {
  private readonly byId = new Map<string, MessageDto>();
  private ordered: MessageDto[] = [];
  private synced = 0;
  private older = true;

  constructor(readonly roomId: string) {}

  /** Messages oldest first, each id once. */
  get messages(): readonly MessageDto[] {
    return this.ordered;
  }

  /** Highest seq up to which nothing is missing. */
  get syncedThrough(): number {
    return this.synced;
  }

  get newestSeq(): number {
    return this.ordered.length ? this.ordered[this.ordered.length - 1].seq : 0;
  }

  get oldestSeq(): number {
    return this.ordered.length ? this.ordered[0].seq : 0;
  }

  /** Whether history older than the first held message may exist. */
  get hasOlder(): boolean {
    return this.older && this.oldestSeq !== 1;
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

  /** MessageDeleted: the message stays in place, emptied and flagged, as history shows it. */
  markDeleted(messageId: string): MessageDto | undefined {
    const held = this.byId.get(messageId);
    if (!held) return undefined;
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
      if (!preferIncoming && !isNewer(message, held)) return 'duplicate';
      this.replace(message);
      return 'replaced';
    }
    this.byId.set(message.id, message);
    const index = this.insertionIndex(message.seq);
    this.ordered = [...this.ordered.slice(0, index), message, ...this.ordered.slice(index)];
    return 'added';
  }

  private replace(message: MessageDto): void {
    this.byId.set(message.id, message);
    this.ordered = this.ordered.map((m) => (m.id === message.id ? message : m));
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

/** A copy that was edited, deleted or reacted to later replaces the one held. */
function isNewer(incoming: MessageDto, held: MessageDto): boolean {
  if (incoming.deleted && !held.deleted) return true;
  const a = incoming.editedAt?.getTime() ?? 0;
  const b = held.editedAt?.getTime() ?? 0;
  return a > b;
}
