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
];
