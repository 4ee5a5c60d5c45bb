import { HttpError, HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';
import { Emitter } from './emitter.js';
import { ChatError, parseHubError } from './errors.js';
import { newClientMessageId } from './ids.js';
import { RoomMessageStore } from './messageStore.js';
import { normalizeMessage, normalizeServerEvent, normalizeSnapshot, normalizeThreadPage, toDate } from './normalize.js';
import { ChatReconnectPolicy, reconnectDelay } from './reconnectPolicy.js';
import { ChatRest } from './rest.js';
import { applySyncResult, buildSyncRequest } from './syncPlan.js';
import {
  serverEventNames,
  type AttachmentDto,
  type ChatServerEvents,
  type MessageAck,
  type MessageDto,
  type MessageStreamingEvent,
  type PinDto,
  type RoomSnapshot,
  type SendMessageRequest,
  type SettablePresence,
  type SyncResult,
  type ThreadPage,
  type UserDto,
} from './types.js';

/** What the user should see about the link: `reconnecting` is shown, `syncing` fills gaps. */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'syncing';

export interface ChatClientOptions {
  /** Origin of the service; empty for the page's own origin (in a browser only: Node needs it). */
  baseUrl?: string;
  /** The JWT; asked again on every (re)connect so a refreshed token is picked up. */
  accessTokenFactory: () => string | Promise<string>;
  /** `messagepack` (default) or `json`. */
  protocol?: 'messagepack' | 'json';
  /** How often the client pings an idle connection; the server's timeout is 30 s. */
  keepAliveIntervalMs?: number;
  /** Silence from the server after which the connection counts as lost. */
  serverTimeoutMs?: number;
  logLevel?: LogLevel;
  /**
   * How long a send whose outcome is unknown (the connection lost, the service `unavailable`) is
   * retried with the same clientMessageId before it is reported failed; a retry by the user with
   * that id stays safe.
   */
  sendRetryWindowMs?: number;
  /**
   * How long one attempt of a send may wait for its ack. An invocation made while the connection
   * was failing can be left waiting for good (buffered for a replay that a restarted service
   * cannot do); past this it counts as unknown and is sent again.
   */
  sendAttemptTimeoutMs?: number;
}

/** Events of the client: the hub's own, plus what recovery and the store report. */
export interface ChatClientEvents extends ChatServerEvents {
  /** The link changed state. */
  state: ConnectionState;
  /**
   * A room's store changed (new, replaced, deleted or reacted-to messages). With `messageId`, only
   * that message changed (a reply grew), so a view may redraw it alone.
   */
  messages: { roomId: string; messageId?: string };
  /** Catch-up after a reconnect finished; `added` counts messages that were missed. */
  recovered: { added: number };
  /** The token was refused: the user must sign in again. */
  unauthorized: ChatError;
}

const syncRounds = 10;

/**
 * A typed client of the chat hub with the recovery rules of PROTOCOL.md: it keeps a store per joined
 * room, remembers how far each is complete, and after any reconnect asks `Sync` for the rest, so a
 * message sent while the connection was away shows up once, in seq order.
 */
export class ChatClient {
  readonly rest: ChatRest;
  readonly stores = new Map<string, RoomMessageStore>();
  /** Rooms whose presence this client watches, watched again on a new connection. */
  private readonly watchedPresence = new Set<string>();
  private readonly events = new Emitter<ChatClientEvents>();
  private readonly connection: HubConnection;
  private currentState: ConnectionState = 'disconnected';
  private stopped = true;
  private syncing: Promise<void> | null = null;
  private resyncWanted = false;
  private self: UserDto | null = null;
  private readonly sendRetryWindowMs: number;
  private readonly sendAttemptTimeoutMs: number;

  constructor(options: ChatClientOptions) {
    const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.rest = new ChatRest({ baseUrl, accessTokenFactory: options.accessTokenFactory });
    this.sendRetryWindowMs = options.sendRetryWindowMs ?? 60_000;
    this.sendAttemptTimeoutMs = options.sendAttemptTimeoutMs ?? 10_000;
    let builder = new HubConnectionBuilder()
      .withUrl(`${baseUrl}/hubs/chat`, { accessTokenFactory: options.accessTokenFactory })
      .withAutomaticReconnect(new ChatReconnectPolicy())
      // Replays what a short blip lost on the same node; Sync covers everything else.
      .withStatefulReconnect()
      .configureLogging(options.logLevel ?? LogLevel.Warning);
    if ((options.protocol ?? 'messagepack') === 'messagepack') builder = builder.withHubProtocol(new MessagePackHubProtocol());
    this.connection = builder.build();
    this.connection.keepAliveIntervalInMilliseconds = options.keepAliveIntervalMs ?? 15000;
    this.connection.serverTimeoutInMilliseconds = options.serverTimeoutMs ?? 30000;
    this.wireEvents();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The signed-in user, known once `start` has finished. */
  get me(): UserDto | null {
    return this.self;
  }

  on<K extends keyof ChatClientEvents>(event: K, handler: (payload: ChatClientEvents[K]) => void): () => void {
    return this.events.on(event, handler);
  }

  /** Connects, retrying with back-off while the service is unreachable; a refused token throws. */
  async start(): Promise<void> {
    this.stopped = false;
    this.setState('connecting');
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        this.self = await this.rest.me();
        await this.connection.start();
        this.setState('connected');
        if (this.stores.size > 0) await this.recover();
        return;
      } catch (error) {
        const refused =
          (error instanceof HttpError && error.statusCode === 401) || (error instanceof ChatError && error.code === 'unauthorized');
        if (refused) {
          const failure = new ChatError('unauthorized', 'the token was refused');
          this.events.emit('unauthorized', failure);
          this.setState('disconnected');
          throw failure;
        }
        await delay(reconnectDelay(attempt + 1, 15000, Math.random));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection.stop();
    this.setState('disconnected');
  }

  /** The store of a room, created empty on first use. */
  store(roomId: string): RoomMessageStore {
    let store = this.stores.get(roomId);
    if (!store) this.stores.set(roomId, (store = new RoomMessageStore(roomId)));
    return store;
  }

  /** Joins (or re-opens) a room: its snapshot seeds the store, and from then on it is kept whole. */
  async joinRoom(roomId: string): Promise<RoomSnapshot> {
    const snapshot = normalizeSnapshot(await this.invoke<RoomSnapshot>('JoinRoom', roomId));
    const store = this.store(roomId);
    // The snapshot holds the last 50: fewer means the room has no older history.
    store.reset(snapshot.recent, snapshot.lastSeq, snapshot.recent.length >= 50);
    this.events.emit('messages', { roomId });
    return snapshot;
  }

  async leaveRoom(roomId: string): Promise<void> {
    await this.invoke('LeaveRoom', roomId);
    this.stores.delete(roomId);
    this.watchedPresence.delete(roomId);
  }

  /** Older messages above what the store holds; returns how many were new. */
  async loadOlder(roomId: string, limit = 50): Promise<number> {
    const store = this.store(roomId);
    const beforeSeq = store.oldestSeq || null;
    const page = (await this.invoke<MessageDto[]>('GetHistory', roomId, beforeSeq, limit)).map(normalizeMessage);
    const added = store.prependHistory(page, limit);
    this.events.emit('messages', { roomId });
    return added;
  }

  /**
   * Sends a message and stores it once acked. A send whose outcome is unknown (cut off by a lost
   * connection, or `unavailable`) is repeated with the same clientMessageId, with back-off, until it
   * is acked or `sendRetryWindowMs` has passed: it is stored once whatever happened to the ack. A
   * refusal (muted, invalid, …) throws at once. Pass the clientMessageId of a failed send to retry it.
   */
  async send(
    request: Omit<SendMessageRequest, 'clientMessageId'> & { clientMessageId?: string },
    attachment?: AttachmentDto,
  ): Promise<MessageAck> {
    const full: SendMessageRequest = { ...request, clientMessageId: request.clientMessageId ?? newClientMessageId() };
    // MessagePack writes an undefined member as nil, which the service cannot read into its bool.
    if (full.alsoToRoom === undefined) delete full.alsoToRoom;
    const giveUpAt = Date.now() + this.sendRetryWindowMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const ack = await withTimeout(this.invoke<MessageAck>('SendMessage', full), this.sendAttemptTimeoutMs);
        const normalized = { ...ack, seq: Number(ack.seq), sentAt: toDate(ack.sentAt) };
        this.storeOwnMessage(full, normalized, attachment);
        return normalized;
      } catch (error) {
        if (!isOutcomeUnknown(error) || Date.now() >= giveUpAt) throw error;
        await delay(Math.min(reconnectDelay(attempt + 1, 8000, Math.random), Math.max(0, giveUpAt - Date.now())));
        // A closed connection starts over by itself; the next attempt then fails fast or goes through.
        await this.connected().catch(() => undefined);
      }
    }
  }

  sendText(roomId: string, content: string, extra: Partial<SendMessageRequest> = {}): Promise<MessageAck> {
    return this.send({ ...extra, roomId, type: 'text', content });
  }

  editMessage(roomId: string, messageId: string, content: string): Promise<void> {
    return this.invoke('EditMessage', roomId, messageId, content);
  }

  deleteMessage(roomId: string, messageId: string): Promise<void> {
    return this.invoke('DeleteMessage', roomId, messageId);
  }

  startTyping(roomId: string): Promise<void> {
    return this.invoke('StartTyping', roomId);
  }

  stopTyping(roomId: string): Promise<void> {
    return this.invoke('StopTyping', roomId);
  }

  markDelivered(roomId: string, seq: number): Promise<void> {
    return this.invoke('MarkDelivered', roomId, seq);
  }

  markRead(roomId: string, seq: number): Promise<void> {
    return this.invoke('MarkRead', roomId, seq);
  }

  addReaction(roomId: string, messageId: string, emoji: string): Promise<void> {
    return this.invoke('AddReaction', roomId, messageId, emoji);
  }

  removeReaction(roomId: string, messageId: string, emoji: string): Promise<void> {
    return this.invoke('RemoveReaction', roomId, messageId, emoji);
  }

  /**
   * A thread: its root and up to 100 replies after `afterSeq` (from the start when left out), oldest
   * first. The replies join the room's store, so `store.threadReplies(rootId)` holds them with the
   * ones that arrive live; send into the thread with `send({ …, threadRootId })`.
   */
  async getThread(roomId: string, rootId: string, afterSeq?: number): Promise<ThreadPage> {
    const page = normalizeThreadPage(await this.invoke<ThreadPage>('GetThread', roomId, rootId, afterSeq ?? null));
    const store = this.stores.get(roomId);
    if (store) {
      store.applyThreadPage(page);
      this.events.emit('messages', { roomId });
      if (store.hasGap) void this.recover().catch(() => undefined);
    }
    return page;
  }

  /** Moves the caller's read pointer of a thread forward to `seq` (never back). */
  markThreadRead(roomId: string, rootId: string, seq: number): Promise<void> {
    return this.invoke('MarkThreadRead', roomId, rootId, seq);
  }

  /** Pins a message (moderators and admins); the room hears `MessagePinned`. */
  pinMessage(roomId: string, messageId: string): Promise<void> {
    return this.invoke('PinMessage', roomId, messageId);
  }

  /** Unpins a message (moderators and admins); the room hears `MessageUnpinned`. */
  unpinMessage(roomId: string, messageId: string): Promise<void> {
    return this.invoke('UnpinMessage', roomId, messageId);
  }

  /**
   * Stops a bot's reply in progress (the trigger's sender, or a moderator and up). The reply ends
   * with `cancelled` and the text so far, announced by `MessageUpdated`.
   */
  stopReply(roomId: string, messageId: string): Promise<void> {
    return this.invoke('StopReply', roomId, messageId);
  }

  setPresence(status: SettablePresence): Promise<void> {
    return this.invoke('SetPresence', status);
  }

  /**
   * Starts (or stops) hearing the presence of a room's members while its member list is on
   * show: a large room sends presence only to watchers, as `PresenceDigest`. Watching is taken
   * up again after a reconnect.
   */
  async watchPresence(roomId: string, watching = true): Promise<void> {
    if (watching) this.watchedPresence.add(roomId);
    else this.watchedPresence.delete(roomId);
    await this.invoke('WatchPresence', roomId, watching);
  }

  /**
   * Asks `Sync` for every held room after its complete seq, round after round while a room says
   * `hasMore`. Runs once at a time; a call during a run schedules one more run.
   */
  recover(): Promise<void> {
    if (this.syncing) {
      this.resyncWanted = true;
      return this.syncing;
    }
    this.syncing = this.runSync().finally(() => {
      this.syncing = null;
      if (this.resyncWanted) {
        this.resyncWanted = false;
        void this.recover();
      }
    });
    return this.syncing;
  }

  private async runSync(): Promise<void> {
    let added = 0;
    let pending = [...this.stores.values()];
    for (let round = 0; round < syncRounds && pending.length > 0; round++) {
      const result = await this.invoke<SyncResult>('Sync', buildSyncRequest(pending, round > 0));
      const normalized: SyncResult = {
        rooms: result.rooms.map((r) => ({ ...r, messages: r.messages.map(normalizeMessage) })),
      };
      const outcome = applySyncResult(this.stores, normalized);
      for (const count of outcome.added.values()) added += count;
      // Rendered even when nothing was new: a stored copy may have replaced a reply in progress.
      for (const room of normalized.rooms) if (room.messages.length > 0) this.events.emit('messages', { roomId: room.roomId });
      pending = outcome.incomplete.flatMap((id) => this.stores.get(id) ?? []);
    }
    this.events.emit('recovered', { added });
  }

  private storeOwnMessage(request: SendMessageRequest, ack: MessageAck, attachment?: AttachmentDto): void {
    // The sending connection gets no MessageReceived for its own message: the ack stands in for it.
    // A duplicate ack too: the first attempt was stored, but this connection may never have heard of it.
    const store = this.stores.get(request.roomId);
    if (!store) return;
    store.receive({
      id: ack.messageId,
      roomId: request.roomId,
      seq: ack.seq,
      senderId: this.self?.id ?? '',
      senderName: this.self?.displayName ?? '',
      type: request.type,
      content: request.content,
      toUserId: request.toUserId ?? null,
      replyToId: request.replyToId ?? null,
      attachment: attachment ?? null,
      metadata: request.metadata ?? null,
      reactions: {},
      sentAt: ack.sentAt,
      editedAt: null,
      deleted: false,
      status: 'complete',
      threadRootId: request.threadRootId ?? null,
      alsoToRoom: request.alsoToRoom ?? false,
      thread: null,
      mentions: [],
      mentionsRoom: false,
      pinned: false,
    });
    this.events.emit('messages', { roomId: request.roomId });
    if (store.hasGap) void this.recover();
  }

  private async invoke<T = void>(method: string, ...args: unknown[]): Promise<T> {
    try {
      return (await this.connection.invoke(method, ...args)) as T;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // HubExceptions carry a protocol code; anything else is the connection failing underneath.
      if (message.includes('HubException') || /^[a-z_]+: /.test(message)) throw parseHubError(message);
      throw error;
    }
  }

  /** Resolves once the connection is up again (or at once when it is). */
  private connected(): Promise<void> {
    if (this.connection.state === HubConnectionState.Connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.on('state', (state) => {
        if (state === 'connected' || state === 'syncing') {
          off();
          resolve();
        } else if (state === 'disconnected') {
          off();
          reject(new ChatError('unavailable', 'the connection was closed'));
        }
      });
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.events.emit('state', state);
  }

  private wireEvents(): void {
    this.connection.onreconnecting(() => this.setState('reconnecting'));
    this.connection.onreconnected(async () => {
      this.setState('syncing');
      try {
        await this.recover();
        // A new connection watches nothing yet.
        for (const roomId of this.watchedPresence) void this.invoke('WatchPresence', roomId, true).catch(() => undefined);
      } finally {
        this.setState('connected');
      }
    });
    this.connection.onclose(() => {
      this.setState('disconnected');
      // The retry policy never gives up, so a close is a stop or a refused reconnect: start over.
      if (!this.stopped) void this.start().catch(() => undefined);
    });

    for (const name of serverEventNames) {
      this.connection.on(name, (payload: never) => this.dispatch(name, payload));
    }
  }

  private dispatch<K extends keyof ChatServerEvents>(name: K, raw: ChatServerEvents[K]): void {
    const payload = normalizeServerEvent(name, raw);
    this.applyToStores(name, payload);
    this.events.emit(name, payload as ChatClientEvents[K]);
  }

  private applyToStores<K extends keyof ChatServerEvents>(name: K, payload: ChatServerEvents[K]): void {
    if (name === 'MessageReceived') {
      const message = payload as MessageDto;
      const store = this.stores.get(message.roomId);
      if (!store) return;
      if (store.receive(message) !== 'duplicate') this.events.emit('messages', { roomId: message.roomId });
      if (store.hasGap) void this.recover();
    } else if (name === 'MessageUpdated') {
      const message = payload as MessageDto;
      this.stores.get(message.roomId)?.update(message);
      this.events.emit('messages', { roomId: message.roomId });
    } else if (name === 'MessageStreaming') {
      const part = payload as MessageStreamingEvent;
      const store = this.stores.get(part.roomId);
      if (!store) return;
      const outcome = store.applyStreaming(part);
      if (outcome === 'applied') this.events.emit('messages', { roomId: part.roomId, messageId: part.messageId });
      // A part went missing (or came before its message): the reply's stored copy fills the hole.
      else if (outcome === 'gap') void this.recover().catch(() => undefined);
    } else if (name === 'MessageDeleted') {
      const deleted = payload as ChatServerEvents['MessageDeleted'];
      this.stores.get(deleted.roomId)?.markDeleted(deleted.messageId);
      this.events.emit('messages', { roomId: deleted.roomId });
    } else if (name === 'ReactionChanged') {
      const reaction = payload as ChatServerEvents['ReactionChanged'];
      this.stores.get(reaction.roomId)?.applyReaction(reaction);
      this.events.emit('messages', { roomId: reaction.roomId });
    } else if (name === 'MessagePinned' || name === 'MessageUnpinned') {
      const pinned = name === 'MessagePinned';
      const roomId = (payload as { roomId: string }).roomId;
      const messageId = pinned ? (payload as PinDto).message.id : (payload as ChatServerEvents['MessageUnpinned']).messageId;
      if (this.stores.get(roomId)?.applyPin(messageId, pinned)) this.events.emit('messages', { roomId });
    } else if (name === 'RemovedFromRoom') {
      this.stores.delete((payload as ChatServerEvents['RemovedFromRoom']).roomId);
    } else if (name === 'ResyncRequired') {
      // Events may have been lost on the way (the service's backplane was away): Sync every room.
      void this.recover().catch(() => undefined);
    }
  }
}

/**
 * Whether a failed send may have been stored after all, so that repeating it with the same
 * clientMessageId is the way to find out: the connection failed under it, or the service said
 * `unavailable`. Any other code is the service's answer, final for this message.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  return !(error instanceof ChatError) || error.code === 'unavailable';
}

/** The promise's outcome, or a plain Error (an unknown outcome, to a send) once `ms` have passed. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
