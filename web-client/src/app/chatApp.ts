import { ChatClient, inMainList, type ConnectionState, type MessageDto, type PresenceChangedEvent, type RoomDto, type RoomSnapshot } from '@chat-service/client';
import { errorText, h, toast } from './dom';
import { mentionsUser } from './mentions';
import { PushNotifications } from './notifications';
import { presencePicker } from './presence';
import { roomDirectory } from './roomDirectory';
import { roomList } from './roomList';
import { RoomView } from './roomView';
import type { SessionKeeper } from './session';
import { AppState } from './state';

const stateLabels: Record<ConnectionState, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: '',
  reconnecting: 'Reconnecting…',
  syncing: 'Catching up…',
};

/** The signed-in app: sidebar with rooms, the open room, and the connection banner. */
export class ChatApp {
  private readonly client: ChatClient;
  private readonly state = new AppState();
  private readonly banner = h('div', { class: 'connection', role: 'status', 'aria-live': 'polite', 'data-state': 'connecting' });
  private readonly roomsSlot = h('nav', { class: 'rooms', 'aria-label': 'Rooms' });
  private readonly mainSlot = h('main', { class: 'main' });
  private readonly profileSlot = h('div', { class: 'profile' });
  private readonly directorySlot = h('div');
  private view: RoomView | null = null;
  private push: PushNotifications | null = null;
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly session: SessionKeeper,
    private readonly signOut: () => void,
  ) {
    this.client = new ChatClient({ accessTokenFactory: () => session.accessToken() });
  }

  mount(root: HTMLElement): void {
    const sidebar = h(
      'aside',
      { class: 'sidebar', 'aria-label': 'Sidebar' },
      this.profileSlot,
      this.directorySlot,
      this.roomsSlot,
    );
    root.replaceChildren(h('div', { class: 'layout' }, sidebar, h('div', { class: 'content' }, this.banner, this.mainSlot)));
    this.mainSlot.append(h('p', { class: 'empty' }, 'Pick a room, or create one.'));
    this.wire();
  }

  /** `roomLink` is the room a notification's click opened the app at (`#room=ID`). */
  async start(invitation: string | null, roomLink: string | null = null): Promise<void> {
    this.setBanner('connecting');
    try {
      await this.client.start();
    } catch (e) {
      // A refused token has signed the user out already (the unauthorized event).
      toast(errorText(e));
      return;
    }
    this.renderProfile();
    void this.loadBots();
    await this.refreshRooms();
    if (invitation) await this.acceptInvitation(invitation);
    else if (roomLink && this.state.rooms.has(roomLink)) await this.openRoomLink(roomLink);
    else {
      const first = [...this.state.rooms.keys()][0];
      if (first) await this.openRoom(first);
    }
  }

  /** Opens the room a notification named, if the user is still in it. */
  async openRoomLink(roomId: string): Promise<void> {
    history.replaceState(null, '', location.pathname);
    if (this.state.rooms.has(roomId)) await this.openRoom(roomId);
  }

  async acceptInvitation(token: string): Promise<void> {
    try {
      const member = await this.client.rest.acceptInvitation(token);
      history.replaceState(null, '', location.pathname);
      await this.refreshRooms();
      await this.openRoom(member.roomId);
    } catch (e) {
      toast(`Invitation: ${errorText(e)}`);
    }
  }

  private renderProfile(): void {
    const me = this.client.me;
    if (!me) return;
    this.profileSlot.replaceChildren(
      h('strong', { class: 'me', 'data-user-id': me.id }, me.displayName),
      presencePicker(me.status === 'offline' ? 'online' : me.status, (status) =>
        void this.client.setPresence(status).catch((e) => toast(errorText(e))),
      ),
      h('button', { class: 'link', onclick: () => void this.signOutClicked() }, 'Sign out'),
    );
    this.push = new PushNotifications(this.client.rest, me.id);
    this.profileSlot.append(this.push.element);
    void this.push.init().then(() => {
      this.state.pushAvailable = this.push?.available ?? false;
      this.view?.renderHeader();
    });
    this.directorySlot.replaceChildren(roomDirectory(this.client.rest, (room) => void this.joined(room), me.role !== 'guest'));
  }

  private async signOutClicked(): Promise<void> {
    // Before the session ends: removing this browser's push subscription needs the user's token.
    await this.push?.signOut();
    await this.client
      .stop()
      .then(() => this.session.signOut())
      .finally(this.signOut);
  }

  /** Which users are bots, for `@` completion; without the list the composer simply offers none. */
  private async loadBots(): Promise<void> {
    try {
      for (const bot of await this.client.rest.bots()) this.state.bots.add(bot.userName.toLowerCase());
    } catch {
      // Completion is a convenience: a failed request leaves it empty.
    }
  }

  private async refreshRooms(): Promise<void> {
    const rooms = await this.client.rest.rooms();
    this.state.rooms.clear();
    for (const room of rooms) {
      this.state.rooms.set(room.id, room);
      if (room.id !== this.state.currentRoomId) {
        this.state.unread.set(room.id, room.unreadCount ?? 0);
        this.state.mentions.set(room.id, room.unreadMentionCount ?? 0);
      }
    }
    this.renderRooms();
  }

  private renderRooms(): void {
    this.roomsSlot.replaceChildren(
      h('h2', { class: 'section-title' }, 'Rooms'),
      roomList([...this.state.rooms.values()], this.state.unread, this.state.currentRoomId, (id) => void this.openRoom(id), this.state.mentions),
    );
  }

  private async joined(room: RoomDto): Promise<void> {
    this.state.rooms.set(room.id, room);
    await this.openRoom(room.id);
  }

  private async openRoom(roomId: string): Promise<void> {
    let snapshot: RoomSnapshot;
    try {
      snapshot = await this.client.joinRoom(roomId);
    } catch (e) {
      toast(errorText(e));
      return;
    }
    const previous = this.state.currentRoomId;
    if (previous && previous !== roomId) void this.client.watchPresence(previous, false).catch(() => undefined);
    // The member list shows this room's presence; a large room sends it only to watchers.
    void this.client.watchPresence(roomId).catch(() => undefined);
    this.state.currentRoomId = roomId;
    this.state.rooms.set(roomId, snapshot.room);
    this.state.unread.set(roomId, 0);
    this.state.mentions.set(roomId, 0);
    const members = this.state.roomMembers(roomId);
    members.clear();
    for (const m of snapshot.members) {
      members.set(m.userId, m);
      this.state.presence.set(m.userId, m.status);
    }
    this.state.typing.set(roomId, snapshot.typingUserIds);
    const receipts = this.state.roomReceipts(roomId);
    try {
      for (const r of await this.client.rest.receipts(roomId)) receipts.apply(r);
    } catch {
      // Receipts only decorate the view; the room works without them.
    }
    this.view = new RoomView(this.client, this.state, roomId, (message) => void this.openMessage(message));
    this.mainSlot.replaceChildren(this.view.element);
    this.view.render();
    this.view.focusComposer();
    this.renderRooms();
    this.markRead();
  }

  /** Shows a message wherever it is (a search hit): its room is opened first when another is open. */
  private async openMessage(message: MessageDto): Promise<void> {
    if (this.state.currentRoomId !== message.roomId) await this.openRoom(message.roomId);
    if (this.view?.roomId === message.roomId) await this.view.jumpTo(message);
  }

  /** Moves the read pointer to the newest message while the room is on screen. */
  private markRead(): void {
    const roomId = this.state.currentRoomId;
    if (!roomId || document.visibilityState !== 'visible') return;
    const newest = this.client.store(roomId).newestSeq;
    if (newest <= (this.lastMarked.get(roomId) ?? 0)) return;
    this.lastMarked.set(roomId, newest);
    void this.client.markRead(roomId, newest).catch(() => this.lastMarked.delete(roomId));
  }

  private adjustPinnedCount(roomId: string, by: number): void {
    const room = this.state.rooms.get(roomId);
    if (!room) return;
    this.state.rooms.set(roomId, { ...room, pinnedCount: Math.max(0, (room.pinnedCount ?? 0) + by) });
    if (this.view?.roomId === roomId) this.view.renderHeader();
  }

  private setBanner(state: ConnectionState): void {
    this.banner.dataset.state = state;
    this.banner.textContent = stateLabels[state];
  }

  private wire(): void {
    const c = this.client;
    const current = (roomId: string) => this.view !== null && this.view.roomId === roomId;
    c.on('state', (s) => this.setBanner(s));
    c.on('unauthorized', () => this.signOut());
    c.on('recovered', () => void this.refreshRooms().catch(() => undefined));
    c.on('messages', ({ roomId, messageId }) => {
      if (!current(roomId)) return;
      if (messageId) this.view?.renderMessage(messageId);
      else this.view?.renderMessages();
      this.markRead();
    });
    c.on('MessageReceived', (m: MessageDto) => {
      const room = this.state.rooms.get(m.roomId);
      // A reply only in a thread is not the room's last message, nor one more to read in its list.
      const listed = inMainList(m);
      if (room && listed) this.state.rooms.set(m.roomId, { ...room, lastMessage: m });
      if (!current(m.roomId)) {
        if (listed) this.state.unread.set(m.roomId, (this.state.unread.get(m.roomId) ?? 0) + 1);
        if (mentionsUser(m, c.me?.id ?? '')) this.state.mentions.set(m.roomId, (this.state.mentions.get(m.roomId) ?? 0) + 1);
        void c.markDelivered(m.roomId, m.seq).catch(() => undefined);
      }
      if (!room) void this.refreshRooms().catch(() => undefined);
      else this.renderRooms();
    });
    c.on('TypingChanged', ({ roomId, userIds }) => {
      this.state.typing.set(roomId, userIds);
      if (current(roomId)) this.view?.renderTyping();
    });
    c.on('ReceiptUpdated', (r) => {
      this.state.roomReceipts(r.roomId).apply(r);
      if (current(r.roomId)) this.view?.renderMessages();
    });
    c.on('ReactionChanged', (r) => {
      if (r.userId === c.me?.id && current(r.roomId)) this.view?.noteReaction(r.messageId, r.emoji, r.added);
    });
    const applyPresence = (p: PresenceChangedEvent) => {
      this.state.presence.set(p.userId, p.status);
      for (const members of this.state.members.values()) {
        const m = members.get(p.userId);
        if (m) members.set(p.userId, { ...m, status: p.status });
      }
    };
    c.on('PresenceChanged', (p) => {
      applyPresence(p);
      this.view?.renderPanel();
    });
    c.on('PresenceDigest', ({ changes }) => {
      for (const p of changes) applyPresence(p);
      this.view?.renderPanel();
    });
    c.on('UserJoined', ({ roomId, user }) => {
      const members = this.state.roomMembers(roomId);
      if (!members.has(user.id)) {
        members.set(user.id, { roomId, userId: user.id, userName: user.userName, displayName: user.displayName, role: 'member', status: user.status, joinedAt: new Date() });
        // The role comes from the server's member list.
        void c.rest.members(roomId).then((all) => {
          for (const m of all) members.set(m.userId, m);
          if (current(roomId)) this.view?.renderPanel();
        }).catch(() => undefined);
      }
      if (current(roomId)) {
        this.view?.renderHeader();
        this.view?.renderPanel();
      }
    });
    c.on('UserLeft', ({ roomId, userId }) => {
      this.state.roomMembers(roomId).delete(userId);
      if (current(roomId)) {
        this.view?.renderHeader();
        this.view?.renderPanel();
      }
    });
    c.on('MemberUpdated', (m) => {
      this.state.roomMembers(m.roomId).set(m.userId, m);
      if (current(m.roomId)) {
        this.view?.renderHeader();
        this.view?.renderPanel();
      }
    });
    c.on('RoomUpdated', (room) => {
      // The event goes to the whole room: what is the user's own (mute, counts) stays as this user knows it.
      const known = this.state.rooms.get(room.id);
      this.state.rooms.set(
        room.id,
        known ? { ...room, notificationsMuted: known.notificationsMuted, unreadCount: known.unreadCount, unreadMentionCount: known.unreadMentionCount } : room,
      );
      this.renderRooms();
      if (current(room.id)) this.view?.renderHeader();
    });
    c.on('RemovedFromRoom', ({ roomId, reason }) => {
      this.state.rooms.delete(roomId);
      if (current(roomId)) {
        this.view = null;
        this.state.currentRoomId = null;
        this.mainSlot.replaceChildren(h('p', { class: 'empty' }, reason === 'left' ? 'You left the room.' : `You were ${reason} from the room.`));
      }
      this.renderRooms();
    });
    c.on('MessagePinned', (pin) => {
      this.adjustPinnedCount(pin.roomId, 1);
      if (current(pin.roomId)) this.view?.pinned(pin);
    });
    c.on('MessageUnpinned', ({ roomId, messageId }) => {
      this.adjustPinnedCount(roomId, -1);
      if (current(roomId)) this.view?.unpinned(messageId);
    });
    // Read further in a thread here or on another device of this user's.
    c.on('ThreadReadUpdated', (read) => {
      if (current(read.roomId)) this.view?.threadRead(read.rootId, read.lastReadSeq);
    });
    // A click on a notification while the app is open: the service worker names the room.
    navigator.serviceWorker?.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: unknown; roomId?: unknown } | null;
      if (data?.type === 'open-room' && typeof data.roomId === 'string') void this.openRoomLink(data.roomId);
    });
    document.addEventListener('visibilitychange', () => this.markRead());
  }
}
