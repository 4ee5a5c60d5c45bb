import type {
  ChatServerEvents,
  MemberDto,
  MessageDto,
  MessageSearchPage,
  MessageStreamingEvent,
  PinDto,
  PresenceChangedEvent,
  ReceiptDto,
  RoomDto,
  RoomSnapshot,
  ThreadDto,
  ThreadPage,
  ThreadSummaryDto,
  UserDto,
} from './types.js';

/** JSON carries ISO strings and MessagePack carries Dates: callers always get Dates. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function optionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

export function normalizeMessage(m: MessageDto): MessageDto {
  return {
    ...m,
    seq: Number(m.seq),
    reactions: m.reactions ?? {},
    sentAt: toDate(m.sentAt),
    editedAt: optionalDate(m.editedAt),
    // A service older than streamed replies sends no status: its messages are all complete.
    status: m.status ?? 'complete',
    parts: m.parts ?? null,
    streamIndex: optionalNumber(m.streamIndex),
    error: m.error ?? null,
    // A service older than threads, mentions and pins leaves these out: nothing of the kind then.
    threadRootId: m.threadRootId ?? null,
    alsoToRoom: m.alsoToRoom ?? false,
    thread: m.thread ? normalizeThreadSummary(m.thread) : null,
    mentions: m.mentions ?? [],
    mentionsRoom: m.mentionsRoom ?? false,
    pinned: m.pinned ?? false,
  };
}

function normalizeThreadSummary(t: ThreadSummaryDto): ThreadSummaryDto {
  return {
    replyCount: Number(t.replyCount),
    lastReplyAt: toDate(t.lastReplyAt),
    latestReplierIds: t.latestReplierIds ?? [],
    // 0 from a server older than the field: the store then tells counted replies by time.
    lastReplySeq: Number(t.lastReplySeq ?? 0),
  };
}

export function normalizeThreadPage(p: ThreadPage): ThreadPage {
  return { root: normalizeMessage(p.root), replies: (p.replies ?? []).map(normalizeMessage), hasMore: p.hasMore, lastReadSeq: Number(p.lastReadSeq ?? 0) };
}

export function normalizeThread(t: ThreadDto): ThreadDto {
  return { root: normalizeMessage(t.root), unreadCount: Number(t.unreadCount ?? 0), lastReadSeq: Number(t.lastReadSeq ?? 0) };
}

export function normalizePin(p: PinDto): PinDto {
  return { ...p, message: normalizeMessage(p.message), pinnedAt: toDate(p.pinnedAt) };
}

export function normalizeSearchPage(p: MessageSearchPage): MessageSearchPage {
  return { hasMore: p.hasMore, hits: p.hits.map((hit) => ({ ...hit, message: normalizeMessage(hit.message), rank: Number(hit.rank) })) };
}

/** A streamed part's index as a number, whichever protocol carried it. */
export function normalizeStreaming(e: MessageStreamingEvent): MessageStreamingEvent {
  return { ...e, index: Number(e.index) };
}

function optionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function normalizeRoom(r: RoomDto): RoomDto {
  return {
    ...r,
    createdAt: toDate(r.createdAt),
    lastMessage: r.lastMessage ? normalizeMessage(r.lastMessage) : null,
    unreadMentionCount: optionalNumber(r.unreadMentionCount),
    pinnedCount: Number(r.pinnedCount ?? 0),
    notificationsMuted: r.notificationsMuted ?? false,
  };
}

export function normalizeMember(m: MemberDto): MemberDto {
  return { ...m, joinedAt: toDate(m.joinedAt), mutedUntil: optionalDate(m.mutedUntil) };
}

export function normalizeReceipt(r: ReceiptDto): ReceiptDto {
  return { ...r, deliveredSeq: Number(r.deliveredSeq), readSeq: Number(r.readSeq), readAt: optionalDate(r.readAt) };
}

export function normalizeUser(u: UserDto): UserDto {
  return { ...u, lastSeenAt: optionalDate(u.lastSeenAt) };
}

export function normalizeSnapshot(s: RoomSnapshot): RoomSnapshot {
  return {
    room: normalizeRoom(s.room),
    members: s.members.map(normalizeMember),
    typingUserIds: s.typingUserIds ?? [],
    recent: s.recent.map(normalizeMessage),
    lastSeq: Number(s.lastSeq),
    myReceipt: normalizeReceipt(s.myReceipt),
  };
}

function normalizePresence(p: PresenceChangedEvent): PresenceChangedEvent {
  return { ...p, lastSeenAt: optionalDate(p.lastSeenAt) };
}

/** A hub event's payload with numbers and dates in their JavaScript form, whichever protocol carried it. */
export function normalizeServerEvent<K extends keyof ChatServerEvents>(name: K, raw: ChatServerEvents[K]): ChatServerEvents[K] {
  const any = raw as unknown;
  switch (name) {
    case 'MessageReceived':
    case 'MessageUpdated':
      return normalizeMessage(any as MessageDto) as ChatServerEvents[K];
    case 'MessageStreaming':
      return normalizeStreaming(any as MessageStreamingEvent) as ChatServerEvents[K];
    case 'ReceiptUpdated':
      return normalizeReceipt(any as ChatServerEvents['ReceiptUpdated']) as ChatServerEvents[K];
    case 'MemberUpdated':
      return normalizeMember(any as ChatServerEvents['MemberUpdated']) as ChatServerEvents[K];
    case 'RoomUpdated':
      return normalizeRoom(any as ChatServerEvents['RoomUpdated']) as ChatServerEvents[K];
    case 'UserJoined': {
      const joined = any as ChatServerEvents['UserJoined'];
      return { ...joined, user: normalizeUser(joined.user) } as ChatServerEvents[K];
    }
    case 'PresenceChanged':
      return normalizePresence(any as ChatServerEvents['PresenceChanged']) as ChatServerEvents[K];
    case 'MessagePinned':
      return normalizePin(any as PinDto) as ChatServerEvents[K];
    case 'ThreadReadUpdated': {
      const read = any as ChatServerEvents['ThreadReadUpdated'];
      return { ...read, lastReadSeq: Number(read.lastReadSeq) } as ChatServerEvents[K];
    }
    case 'PresenceDigest': {
      const digest = any as ChatServerEvents['PresenceDigest'];
      return { ...digest, changes: digest.changes.map(normalizePresence) } as ChatServerEvents[K];
    }
    default:
      return raw;
  }
}
