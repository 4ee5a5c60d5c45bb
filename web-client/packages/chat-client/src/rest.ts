import { ChatError, parseProblem } from './errors.js';
import {
  normalizeMember,
  normalizeMessage,
  normalizePin,
  normalizeReceipt,
  normalizeRoom,
  normalizeSearchPage,
  normalizeThread,
  normalizeThreadPage,
  normalizeUser,
  toDate,
} from './normalize.js';
import type {
  AttachmentDto,
  InvitationDto,
  MemberDto,
  MessageAck,
  MessageDto,
  MessageSearchPage,
  PinDto,
  PushSubscriptionBody,
  ReceiptDto,
  RoomDto,
  RoomRole,
  RoomSettings,
  SendMessageRequest,
  ThreadDto,
  ThreadPage,
  TokenResponse,
  UserDto,
} from './types.js';

/** A page of search results: `limit` ≤ 50 (20 by default), `offset` skips the best ones already shown. */
export interface SearchPaging {
  limit?: number;
  offset?: number;
}

/** Where the service is and how to get the caller's token. */
export interface RestOptions {
  /** Origin of the service; empty for the page's own origin (in a browser only: Node needs it). */
  baseUrl?: string;
  accessTokenFactory?: () => string | null | Promise<string | null>;
}

/** The REST API of PROTOCOL.md: /auth for tokens, /api with a Bearer token for the rest. */
export class ChatRest {
  private readonly baseUrl: string;

  constructor(private readonly options: RestOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    // Outside a page (Node) a bare path names no server: every call would fail, and a client's
    // start, which retries what looks like an outage, would retry it for ever.
    if (!this.baseUrl && !hasPageOrigin()) {
      throw new TypeError('baseUrl is required where there is no page origin (in Node, for one): pass the service URL');
    }
  }

  register(userName: string, password: string, displayName: string): Promise<UserDto> {
    return this.send<UserDto>('POST', '/auth/register', { userName, password, displayName }, false).then(normalizeUser);
  }

  signIn(userName: string, password: string): Promise<TokenResponse> {
    return this.send('POST', '/auth/token', { userName, password }, false);
  }

  guest(displayName: string): Promise<TokenResponse> {
    return this.send('POST', '/auth/guest', { displayName }, false);
  }

  /** A new access token and refresh token; the refresh token given stops working. */
  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.send('POST', '/auth/refresh', { refreshToken }, false);
  }

  /** Revokes the refresh token's sign-in. */
  signOut(refreshToken: string): Promise<void> {
    return this.send('POST', '/auth/logout', { refreshToken }, false);
  }

  me(): Promise<UserDto> {
    return this.send<UserDto>('GET', '/api/users/me').then(normalizeUser);
  }

  updateMe(changes: { displayName?: string; avatarUrl?: string }): Promise<UserDto> {
    return this.send<UserDto>('PATCH', '/api/users/me', changes).then(normalizeUser);
  }

  user(userId: string): Promise<UserDto> {
    return this.send<UserDto>('GET', `/api/users/${enc(userId)}`).then(normalizeUser);
  }

  rooms(): Promise<RoomDto[]> {
    return this.send<RoomDto[]>('GET', '/api/rooms').then((rooms) => rooms.map(normalizeRoom));
  }

  createRoom(body: { name: string; topic?: string; isPrivate: boolean; settings?: RoomSettings }): Promise<RoomDto> {
    return this.send<RoomDto>('POST', '/api/rooms', body).then(normalizeRoom);
  }

  searchRooms(query: { q?: string; member?: string }): Promise<RoomDto[]> {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.member) params.set('member', query.member);
    return this.send<RoomDto[]>('GET', `/api/rooms/search?${params}`).then((rooms) => rooms.map(normalizeRoom));
  }

  room(roomId: string): Promise<RoomDto> {
    return this.send<RoomDto>('GET', `/api/rooms/${enc(roomId)}`).then(normalizeRoom);
  }

  updateRoom(roomId: string, changes: { name?: string; topic?: string }): Promise<RoomDto> {
    return this.send<RoomDto>('PATCH', `/api/rooms/${enc(roomId)}`, changes).then(normalizeRoom);
  }

  putSettings(roomId: string, settings: RoomSettings): Promise<RoomDto> {
    return this.send<RoomDto>('PUT', `/api/rooms/${enc(roomId)}/settings`, settings).then(normalizeRoom);
  }

  members(roomId: string): Promise<MemberDto[]> {
    return this.send<MemberDto[]>('GET', `/api/rooms/${enc(roomId)}/members`).then((m) => m.map(normalizeMember));
  }

  join(roomId: string): Promise<MemberDto> {
    return this.send<MemberDto>('POST', `/api/rooms/${enc(roomId)}/members`).then(normalizeMember);
  }

  leave(roomId: string): Promise<void> {
    return this.send('DELETE', `/api/rooms/${enc(roomId)}/members/me`);
  }

  setRole(roomId: string, userId: string, role: RoomRole): Promise<MemberDto> {
    return this.send<MemberDto>('PUT', `/api/rooms/${enc(roomId)}/members/${enc(userId)}/role`, { role }).then(normalizeMember);
  }

  mute(roomId: string, userId: string, durationSeconds: number): Promise<MemberDto> {
    return this.send<MemberDto>('POST', `/api/rooms/${enc(roomId)}/members/${enc(userId)}/mute`, { durationSeconds }).then(
      normalizeMember,
    );
  }

  unmute(roomId: string, userId: string): Promise<MemberDto> {
    return this.send<MemberDto>('DELETE', `/api/rooms/${enc(roomId)}/members/${enc(userId)}/mute`).then(normalizeMember);
  }

  kick(roomId: string, userId: string, reason?: string): Promise<void> {
    return this.send('POST', `/api/rooms/${enc(roomId)}/members/${enc(userId)}/kick`, { reason });
  }

  ban(roomId: string, userId: string, reason?: string): Promise<void> {
    return this.send('POST', `/api/rooms/${enc(roomId)}/bans`, { userId, reason });
  }

  unban(roomId: string, userId: string): Promise<void> {
    return this.send('DELETE', `/api/rooms/${enc(roomId)}/bans/${enc(userId)}`);
  }

  /** The bots the service runs; a room admin adds them to rooms by userName. */
  bots(): Promise<UserDto[]> {
    return this.send<UserDto[]>('GET', '/api/bots').then((bots) => bots.map(normalizeUser));
  }

  addBot(roomId: string, userName: string): Promise<MemberDto> {
    return this.send<MemberDto>('POST', `/api/rooms/${enc(roomId)}/bots`, { userName }).then(normalizeMember);
  }

  removeBot(roomId: string, userId: string): Promise<void> {
    return this.send('DELETE', `/api/rooms/${enc(roomId)}/bots/${enc(userId)}`);
  }

  createInvitation(roomId: string, expiresInSeconds: number, maxUses?: number): Promise<InvitationDto> {
    return this.send('POST', `/api/rooms/${enc(roomId)}/invitations`, { expiresInSeconds, maxUses });
  }

  acceptInvitation(token: string): Promise<MemberDto> {
    return this.send<MemberDto>('POST', `/api/invitations/${enc(token)}/accept`).then(normalizeMember);
  }

  history(roomId: string, page: { beforeSeq?: number; afterSeq?: number; limit?: number } = {}): Promise<MessageDto[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(page)) if (value !== undefined) params.set(key, String(value));
    return this.send<MessageDto[]>('GET', `/api/rooms/${enc(roomId)}/messages?${params}`).then((m) => m.map(normalizeMessage));
  }

  postMessage(request: SendMessageRequest): Promise<MessageAck> {
    return this.send<MessageAck>('POST', `/api/rooms/${enc(request.roomId)}/messages`, request).then((a) => ({
      ...a,
      sentAt: toDate(a.sentAt),
    }));
  }

  receipts(roomId: string): Promise<ReceiptDto[]> {
    return this.send<ReceiptDto[]>('GET', `/api/rooms/${enc(roomId)}/receipts`).then((r) => r.map(normalizeReceipt));
  }

  /** The caller's threads in a room (they started, replied to, or read one), latest reply first. */
  threads(roomId: string): Promise<ThreadDto[]> {
    return this.send<ThreadDto[]>('GET', `/api/rooms/${enc(roomId)}/threads`).then((t) => t.map(normalizeThread));
  }

  /** A thread's root and up to `limit` replies after `afterSeq`, oldest first, as the hub's `GetThread`. */
  thread(roomId: string, rootId: string, page: { afterSeq?: number; limit?: number } = {}): Promise<ThreadPage> {
    return this.send<ThreadPage>('GET', `/api/rooms/${enc(roomId)}/threads/${enc(rootId)}?${query(page)}`).then(normalizeThreadPage);
  }

  /**
   * Messages of one room that match `q` (web search syntax: `"exact phrase"`, `or`, `-word`), best
   * first. Each hit's `highlight` is HTML-safe, the matches wrapped in `<mark>`.
   */
  searchRoomMessages(roomId: string, q: string, paging: SearchPaging = {}): Promise<MessageSearchPage> {
    return this.send<MessageSearchPage>('GET', `/api/rooms/${enc(roomId)}/messages/search?${query({ q, ...paging })}`).then(normalizeSearchPage);
  }

  /** Messages of all the caller's rooms that match `q`, best first. */
  searchMessages(q: string, paging: SearchPaging = {}): Promise<MessageSearchPage> {
    return this.send<MessageSearchPage>('GET', `/api/messages/search?${query({ q, ...paging })}`).then(normalizeSearchPage);
  }

  /** The room's pinned messages, the latest pin first. */
  pins(roomId: string): Promise<PinDto[]> {
    return this.send<PinDto[]>('GET', `/api/rooms/${enc(roomId)}/pins`).then((p) => p.map(normalizePin));
  }

  /** Pins a message (moderators and admins); pinning a pinned message changes nothing. */
  pin(roomId: string, messageId: string): Promise<PinDto> {
    return this.send<PinDto>('PUT', `/api/rooms/${enc(roomId)}/pins/${enc(messageId)}`).then(normalizePin);
  }

  unpin(roomId: string, messageId: string): Promise<void> {
    return this.send('DELETE', `/api/rooms/${enc(roomId)}/pins/${enc(messageId)}`);
  }

  /**
   * The VAPID public key (base64url) that push subscriptions are made with; null when the service
   * has no push configured (it answers 404).
   */
  async pushPublicKey(): Promise<string | null> {
    try {
      return (await this.send<{ publicKey: string }>('GET', '/api/push/public-key')).publicKey;
    } catch (error) {
      if (error instanceof ChatError && error.code === 'not_found') return null;
      throw error;
    }
  }

  /** Registers a browser's push subscription (`PushSubscription.toJSON()`) for the caller. */
  addPushSubscription(subscription: PushSubscriptionBody): Promise<void> {
    return this.send('POST', '/api/users/me/push-subscriptions', { endpoint: subscription.endpoint, keys: subscription.keys });
  }

  removePushSubscription(endpoint: string): Promise<void> {
    return this.send('DELETE', '/api/users/me/push-subscriptions', { endpoint });
  }

  /** Mutes (or unmutes) the caller's push notifications of one room. */
  setRoomNotifications(roomId: string, muted: boolean): Promise<void> {
    return this.send('PUT', `/api/rooms/${enc(roomId)}/notifications`, { muted });
  }

  /** Files go over HTTP, never through the hub; the message then names the upload by id. */
  async uploadAttachment(roomId: string, file: Blob, fileName: string): Promise<AttachmentDto> {
    const form = new FormData();
    form.append('file', file, fileName);
    const response = await this.fetch('POST', `/api/rooms/${enc(roomId)}/attachments`, form, true);
    return (await response.json()) as AttachmentDto;
  }

  /** An attachment's bytes; browsers cannot put a Bearer header on an <img>, so it is fetched. */
  async downloadAttachment(url: string): Promise<Blob> {
    const response = await this.fetch('GET', url, undefined, true);
    return response.blob();
  }

  private async send<T>(method: string, path: string, body?: unknown, authorized = true): Promise<T> {
    const response = await this.fetch(method, path, body === undefined ? undefined : JSON.stringify(body), authorized);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private async fetch(method: string, path: string, body: string | FormData | undefined, authorized: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (typeof body === 'string') headers['Content-Type'] = 'application/json';
    if (authorized && this.options.accessTokenFactory) {
      const token = await this.options.accessTokenFactory();
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    if (!response.ok) {
      let problem: unknown = null;
      try {
        problem = await response.json();
      } catch {
        // Not every failure has a problem body (a proxy's 502, for one): the status decides the code.
      }
      throw parseProblem(response.status, problem, response.headers.get('Retry-After'));
    }
    return response;
  }
}

/** Whether relative URLs resolve against a page, as in a browser tab or worker; typed without the DOM. */
function hasPageOrigin(): boolean {
  return typeof (globalThis as { location?: { origin?: unknown } }).location?.origin === 'string';
}

/** Query parameters, leaving out those not given. */
function query(values: Record<string, string | number | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, String(value));
  return params;
}

function enc(value: string): string {
  return encodeURIComponent(value);
}
