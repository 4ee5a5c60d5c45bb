/** Wire types of the chat service, as PROTOCOL.md defines them (camelCase in both hub protocols). */

export type MessageType = 'text' | 'image' | 'file' | 'system' | 'join' | 'leave';
export type PresenceStatus = 'offline' | 'online' | 'idle' | 'away' | 'dnd';
/** The statuses a user may choose; `offline` is set by the server only. */
export type SettablePresence = Exclude<PresenceStatus, 'offline'>;
export type RoomRole = 'guest' | 'member' | 'moderator' | 'admin';
export type GlobalRole = 'user' | 'guest' | 'admin' | 'service' | 'bot';
export type RemovalReason = 'left' | 'kicked' | 'banned';
/** Where a message stands: only a bot's (or a service's) streamed reply is ever anything but `complete`. */
export type MessageStatus = 'complete' | 'streaming' | 'error' | 'cancelled';
/** Which messages a room's bots answer. */
export type BotReplies = 'mentions' | 'all' | 'off';

/** Timestamps are ISO strings over JSON and `Date`s over MessagePack; the client hands out `Date`s. */
export type Timestamp = Date;

export interface UserDto {
  id: string;
  userName: string;
  displayName: string;
  avatarUrl?: string | null;
  role: GlobalRole;
  status: PresenceStatus;
  lastSeenAt?: Timestamp | null;
}

export interface TokenResponse {
  accessToken: string;
  expiresAt: string;
  userId: string;
  /** Renews the access token (`POST /auth/refresh`); each use hands out the next one. */
  refreshToken?: string | null;
  refreshExpiresAt?: string | null;
}

export interface RoomSettings {
  retentionDays?: number | null;
  fileSharingAllowed: boolean;
  typingIndicators: boolean;
  maxMembers?: number | null;
  slowModeSeconds?: number | null;
  /** `mentions` when left out. */
  botReplies?: BotReplies;
  /** The PostgreSQL text search configuration messages are indexed with (`simple` when left out). */
  searchLanguage?: string;
}

export interface AttachmentDto {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
}

export interface MessageDto {
  id: string;
  roomId: string;
  seq: number;
  senderId: string;
  senderName: string;
  type: MessageType;
  content: string;
  toUserId?: string | null;
  replyToId?: string | null;
  attachment?: AttachmentDto | null;
  metadata?: Record<string, string> | null;
  reactions: Record<string, number>;
  sentAt: Timestamp;
  editedAt?: Timestamp | null;
  deleted: boolean;
  status: MessageStatus;
  /** What a bot produced, in order; absent for ordinary messages. */
  parts?: MessagePartDto[] | null;
  /** The index of the last streamed part this copy holds (a stored copy of a reply in progress). */
  streamIndex?: number | null;
  error?: MessageErrorDto | null;
  /** Set on a thread reply: the root it answers. Without `alsoToRoom` it stays out of the room's main list. */
  threadRootId?: string | null;
  /** A thread reply that was also sent to the room's main list (false when absent). */
  alsoToRoom?: boolean;
  /** On a root with replies: how many, when the last came, who wrote the latest. */
  thread?: ThreadSummaryDto | null;
  /** The members this text message mentions (`@userName`), each once, never the sender. */
  mentions?: string[] | null;
  /** A moderator's or admin's `@room`: every member is mentioned (false when absent). */
  mentionsRoom?: boolean;
  /** Whether the message is pinned in its room (false when absent). */
  pinned?: boolean;
}

/** What a thread's root shows in the room's main list. */
export interface ThreadSummaryDto {
  /** Deleted replies count too: their placeholders stay in the thread. */
  replyCount: number;
  lastReplyAt: Timestamp;
  /** Up to three distinct users, the latest first. */
  latestReplierIds: string[];
  /** The room's seq of the latest reply: compare it with a thread's lastReadSeq. */
  lastReplySeq: number;
}

/** One stored part of a reply: text, a tool call, or a tool's result. */
export interface MessagePartDto {
  kind: 'text' | 'tool_call' | 'tool_result';
  text?: string | null;
  callId?: string | null;
  name?: string | null;
  arguments?: string | null;
  result?: string | null;
  isError?: boolean | null;
}

/** Why a reply ended with status `error`. */
export interface MessageErrorDto {
  code: string;
  message: string;
}

export interface RoomDto {
  id: string;
  name: string;
  topic?: string | null;
  isPrivate: boolean;
  createdAt: Timestamp;
  settings: RoomSettings;
  memberCount: number;
  unreadCount?: number | null;
  lastMessage?: MessageDto | null;
  /** The caller's mentions (direct or `@room`) after their read pointer. */
  unreadMentionCount?: number | null;
  /** How many messages are pinned (0 when absent). */
  pinnedCount?: number;
  /** Whether the caller muted this room's push notifications (false when absent). */
  notificationsMuted?: boolean;
}

export interface MemberDto {
  roomId: string;
  userId: string;
  userName: string;
  displayName: string;
  role: RoomRole;
  status: PresenceStatus;
  mutedUntil?: Timestamp | null;
  joinedAt: Timestamp;
}

export interface ReceiptDto {
  roomId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  readAt?: Timestamp | null;
}

export interface RoomSnapshot {
  room: RoomDto;
  members: MemberDto[];
  typingUserIds: string[];
  recent: MessageDto[];
  lastSeq: number;
  myReceipt: ReceiptDto;
}

export interface SendMessageRequest {
  roomId: string;
  clientMessageId: string;
  type: 'text' | 'image' | 'file' | 'system';
  content: string;
  toUserId?: string;
  replyToId?: string;
  attachmentId?: string;
  metadata?: Record<string, string>;
  /** Makes the message a reply in the thread of this root (a message of the same room). */
  threadRootId?: string;
  /** With `threadRootId`: show the reply in the room's main list too. */
  alsoToRoom?: boolean;
}

export interface MessageAck {
  messageId: string;
  roomId: string;
  seq: number;
  sentAt: Timestamp;
  duplicate: boolean;
}

export interface SyncRequest {
  rooms: { roomId: string; afterSeq: number }[];
}

export interface SyncRoomResult {
  roomId: string;
  messages: MessageDto[];
  hasMore: boolean;
}

export interface SyncResult {
  rooms: SyncRoomResult[];
}

/** The answer to `GetThread` (and `GET /api/rooms/{id}/threads/{rootId}`): the root and replies, oldest first. */
export interface ThreadPage {
  root: MessageDto;
  replies: MessageDto[];
  hasMore: boolean;
  /** The caller's read pointer in this thread (0 when never read). */
  lastReadSeq: number;
}

/** A thread the caller takes part in (`GET /api/rooms/{id}/threads`), latest reply first. */
export interface ThreadDto {
  root: MessageDto;
  unreadCount: number;
  lastReadSeq: number;
}

/** A pinned message (`GET /api/rooms/{id}/pins`); also the payload of `MessagePinned`. */
export interface PinDto {
  roomId: string;
  message: MessageDto;
  pinnedBy: string;
  pinnedAt: Timestamp;
}

/** Payload of `ThreadReadUpdated`: how far this user has now read a thread, on any of their connections. */
export interface ThreadReadEvent {
  roomId: string;
  rootId: string;
  lastReadSeq: number;
}

/** Payload of `MessageUnpinned`: unpinned by a moderator, or deleted while pinned (`by` the deleter). */
export interface MessageUnpinnedEvent {
  roomId: string;
  messageId: string;
  by: string;
}

/**
 * One found message. `highlight` is HTML-safe: the message's `<`, `>`, `&` and `"` are escaped and
 * the matches wrapped in `<mark>`…`</mark>`.
 */
export interface MessageSearchHit {
  message: MessageDto;
  highlight: string;
  rank: number;
}

/** A page of search results, best first. */
export interface MessageSearchPage {
  hits: MessageSearchHit[];
  hasMore: boolean;
}

/** A browser's push subscription as `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionBody {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What a Web Push notification carries (decrypted by the browser for the service worker). */
export interface PushPayload {
  roomId: string;
  roomName: string;
  /** How many notifiable messages the push stands for (pushes are coalesced per room). */
  count: number;
  kind: 'mention' | 'private' | 'thread';
  messageId: string;
  senderName: string;
  preview: string;
}

export interface InvitationDto {
  token: string;
  expiresAt: string;
  maxUses?: number | null;
}

export interface MessageDeletedEvent {
  roomId: string;
  messageId: string;
}
export interface UserJoinedEvent {
  roomId: string;
  user: UserDto;
}
export interface UserLeftEvent {
  roomId: string;
  userId: string;
}
export interface TypingChangedEvent {
  roomId: string;
  userIds: string[];
}
export interface PresenceChangedEvent {
  userId: string;
  status: PresenceStatus;
  lastSeenAt?: Timestamp | null;
}
/** A large room's presence changes since the last digest, one per user, to the connections watching it. */
export interface PresenceDigestEvent {
  roomId: string;
  changes: PresenceChangedEvent[];
}
export interface ReactionChangedEvent {
  roomId: string;
  messageId: string;
  emoji: string;
  count: number;
  userId: string;
  added: boolean;
}
/** The connection may have missed events of these rooms (all of them when absent): call `Sync`. */
export interface ResyncRequiredEvent {
  roomIds?: string[] | null;
}
/** A part of a reply being streamed; `index` counts from 0 per reply without gaps. */
export interface MessageStreamingEvent {
  roomId: string;
  messageId: string;
  index: number;
  kind: 'text_delta' | 'tool_call' | 'tool_result';
  text?: string | null;
  callId?: string | null;
  name?: string | null;
  arguments?: string | null;
  result?: string | null;
  isError?: boolean | null;
}
export interface RemovedFromRoomEvent {
  roomId: string;
  reason: RemovalReason;
  by?: string | null;
}

/** The events the hub sends, by name, with their payloads (`IChatClient` on the server). */
export interface ChatServerEvents {
  MessageReceived: MessageDto;
  MessageUpdated: MessageDto;
  MessageDeleted: MessageDeletedEvent;
  MessageStreaming: MessageStreamingEvent;
  UserJoined: UserJoinedEvent;
  UserLeft: UserLeftEvent;
  TypingChanged: TypingChangedEvent;
  ReceiptUpdated: ReceiptDto;
  PresenceChanged: PresenceChangedEvent;
  PresenceDigest: PresenceDigestEvent;
  ReactionChanged: ReactionChangedEvent;
  MemberUpdated: MemberDto;
  RemovedFromRoom: RemovedFromRoomEvent;
  RoomUpdated: RoomDto;
  ResyncRequired: ResyncRequiredEvent;
  MessagePinned: PinDto;
  MessageUnpinned: MessageUnpinnedEvent;
  ThreadReadUpdated: ThreadReadEvent;
}

export const serverEventNames: readonly (keyof ChatServerEvents)[] = [
  'MessageReceived',
  'MessageUpdated',
  'MessageDeleted',
  'MessageStreaming',
  'UserJoined',
  'UserLeft',
  'TypingChanged',
  'ReceiptUpdated',
  'PresenceChanged',
  'PresenceDigest',
  'ReactionChanged',
  'MemberUpdated',
  'RemovedFromRoom',
  'RoomUpdated',
  'ResyncRequired',
  'MessagePinned',
  'MessageUnpinned',
  'ThreadReadUpdated',
];
