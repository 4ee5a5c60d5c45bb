import { inMainList, type ChatClient, type MessageDto, type PinDto, type RoomRole } from '@chat-service/client';
import { composer } from './composer';
import { errorText, h, toast } from './dom';
import { invitationLink } from './invitationLink';
import { membersPanel } from './membersPanel';
import { messageItem, type MessageActions } from './messageItem';
import type { MentionKind } from './messageText';
import { PendingSends } from './pendingSends';
import { PinsPanel } from './pinsPanel';
import { SearchPanel } from './searchPanel';
import { settingsPanel } from './settingsPanel';
import type { AppState } from './state';
import { ThreadPanel } from './threadPanel';
import { threadsList } from './threadsList';
import { typingText } from './typingText';

type Panel = 'members' | 'settings' | 'thread' | 'threads' | 'pins' | 'search';

const imageTypes = /^image\/(png|jpeg|gif|webp)$/;

/** One open room: header, messages with upward paging, typing line, composer and side panels. */
export class RoomView {
  readonly element: HTMLElement;
  private readonly list = h('ol', { class: 'messages', 'aria-label': 'Messages', 'aria-live': 'polite' });
  private readonly scroller = h('div', { class: 'message-scroller' });
  private readonly typingLine = h('div', { class: 'typing', 'aria-live': 'polite' });
  private readonly header = h('header', { class: 'room-header' });
  private readonly side = h('div', { class: 'room-side' });
  private readonly composerSlot = h('div', { class: 'composer-slot' });
  private readonly olderButton = h('button', { class: 'load-older' }, 'Load older messages');
  private readonly myReactions = new Set<string>();
  private readonly pending = new PendingSends(
    (text, clientMessageId) => this.client.sendText(this.roomId, text, { clientMessageId }),
    (sending) => this.renderMessages(sending),
  );
  private panel: Panel | null = null;
  private threadPanel: ThreadPanel | null = null;
  private pinsPanel: PinsPanel | null = null;
  private searchPanel: SearchPanel | null = null;
  private threadsElement: HTMLElement | null = null;
  private loadingOlder = false;

  /** `openMessage` shows a message of any room (a search hit elsewhere): the app switches rooms first. */
  constructor(
    private readonly client: ChatClient,
    private readonly state: AppState,
    readonly roomId: string,
    private readonly openMessage: (message: MessageDto) => void,
  ) {
    this.olderButton.addEventListener('click', () => void this.loadOlder());
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < 40) void this.loadOlder();
    });
    this.scroller.append(this.olderButton, this.list);
    this.element = h(
      'section',
      { class: 'room', 'aria-label': 'Room' },
      this.header,
      h('div', { class: 'room-body' }, h('div', { class: 'room-main' }, this.scroller, this.typingLine, this.composerSlot), this.side),
    );
  }

  private get me(): string {
    return this.client.me?.id ?? '';
  }

  private get myRole(): RoomRole {
    return this.state.members.get(this.roomId)?.get(this.me)?.role ?? 'member';
  }

  render(): void {
    this.renderHeader();
    this.renderMessages(true);
    this.renderTyping();
    this.renderPanel();
    const room = this.state.rooms.get(this.roomId);
    this.composerSlot.replaceChildren(
      composer(
        {
          send: (text) => this.send(text),
          attach: (file) => this.attach(file),
          typing: (kind) => void (kind === 'start' ? this.client.startTyping(this.roomId) : this.client.stopTyping(this.roomId)).catch(() => undefined),
          mentionable: () => this.state.roomBots(this.roomId),
        },
        room?.settings.fileSharingAllowed ?? true,
      ),
    );
  }

  focusComposer(): void {
    this.composerSlot.querySelector('textarea')?.focus();
  }

  renderHeader(): void {
    const room = this.state.rooms.get(this.roomId);
    if (!room) return;
    const canSettings = this.myRole === 'admin';
    const pressed = (panel: Panel) => String(this.panel === panel);
    this.header.replaceChildren(
      h('div', { class: 'room-title' }, h('h2', {}, room.name), room.topic ? h('p', { class: 'topic' }, room.topic) : null),
      h(
        'div',
        { class: 'room-actions' },
        h('button', { 'aria-pressed': pressed('members'), onclick: () => this.toggle('members') }, `Members (${this.state.roomMembers(this.roomId).size})`),
        h('button', { 'aria-pressed': pressed('threads'), onclick: () => this.toggle('threads') }, 'Threads'),
        h('button', { class: 'pinned-count', 'aria-pressed': pressed('pins'), onclick: () => this.toggle('pins') }, `📌 Pinned (${room.pinnedCount ?? 0})`),
        // Not "Search": the sidebar's room search has that name.
        h('button', { 'aria-pressed': pressed('search'), onclick: () => this.toggle('search') }, '🔍 Find messages'),
        this.state.pushAvailable
          ? h(
              'button',
              { class: 'mute-notifications', 'aria-pressed': String(room.notificationsMuted === true), onclick: () => void this.toggleNotifications() },
              room.notificationsMuted ? '🔕 Notifications muted' : '🔔 Mute notifications',
            )
          : null,
        canSettings ? h('button', { 'aria-pressed': pressed('settings'), onclick: () => this.toggle('settings') }, 'Settings') : null,
        h('button', { onclick: () => void this.invite() }, 'Invite'),
        h('button', { onclick: () => void this.leave() }, 'Leave'),
      ),
    );
  }

  renderMessages(forceBottom = false): void {
    const store = this.client.store(this.roomId);
    const keep = this.keepScroll(forceBottom);
    const seen = this.state.roomReceipts(this.roomId).seenBy(store.messages, this.me);
    const actions = this.messageActions();
    this.list.replaceChildren(
      ...store.messages.map((m) => this.item(m, actions, seen)),
      ...this.pending.items(),
    );
    this.olderButton.hidden = !store.hasOlder;
    keep();
    if (this.panel === 'thread') this.threadPanel?.render();
  }

  /**
   * Redraws one message, as a streamed reply grows: a part arrives every few tens of
   * milliseconds, and drawing the whole list each time would be wasted work.
   */
  renderMessage(messageId: string): void {
    const store = this.client.store(this.roomId);
    const message = store.get(messageId);
    if (message && !inMainList(message)) {
      // A bot answering in a thread: only the thread shows it.
      if (this.panel === 'thread') this.threadPanel?.render();
      return;
    }
    const shown = [...this.list.children].find((li) => li instanceof HTMLElement && li.dataset.id === messageId);
    if (!message || !shown) return this.renderMessages();
    const keep = this.keepScroll(false);
    const item = this.item(message, this.messageActions(), this.state.roomReceipts(this.roomId).seenBy(store.messages, this.me));
    const oldBody = shown.querySelector('.reply-body');
    const newBody = item.querySelector('.reply-body');
    // While the reply streams only its body changes: the row, its Stop button and its tools stay
    // the same nodes, so a click (mouse down, then up) or the focus on them is not lost in between.
    const sameFrame =
      shown.getAttribute('data-status') === item.getAttribute('data-status') &&
      !shown.querySelector('.stop-reply') === !item.querySelector('.stop-reply');
    if (sameFrame && oldBody && newBody) oldBody.replaceWith(newBody);
    else shown.replaceWith(item);
    keep();
  }

  private item(m: MessageDto, actions: MessageActions, seen: { messageId: string; userIds: string[] } | null): HTMLElement {
    return messageItem(m, actions, seen?.messageId === m.id ? seen.userIds.map((id) => this.state.displayName(this.roomId, id)) : null);
  }

  /** Notes the scroll position; the function returned restores it after a redraw. */
  private keepScroll(forceBottom: boolean): () => void {
    const atBottom = forceBottom || this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 60;
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    // Stick to the newest message when the reader was there; otherwise keep their place.
    return () => {
      this.scroller.scrollTop = atBottom ? this.scroller.scrollHeight : this.scroller.scrollHeight - fromBottom;
    };
  }

  renderTyping(): void {
    const ids = (this.state.typing.get(this.roomId) ?? []).filter((id) => id !== this.me);
    this.typingLine.textContent = typingText(ids.map((id) => this.state.displayName(this.roomId, id)));
  }

  renderPanel(): void {
    const room = this.state.rooms.get(this.roomId);
    if (this.panel === 'thread' && this.threadPanel) {
      this.showInSide(this.threadPanel.element);
      this.threadPanel.render();
    } else if (this.panel === 'pins' && this.pinsPanel) {
      this.showInSide(this.pinsPanel.element);
    } else if (this.panel === 'search' && this.searchPanel) {
      this.showInSide(this.searchPanel.element);
    } else if (this.panel === 'threads' && this.threadsElement) {
      this.showInSide(this.threadsElement);
    } else if (this.panel === 'members') {
      const members = [...this.state.roomMembers(this.roomId).values()];
      this.side.replaceChildren(
        membersPanel(members, this.me, (id, fallback) => this.state.status(id, fallback), {
          mute: (userId, seconds) => this.moderate(() => this.client.rest.mute(this.roomId, userId, seconds)),
          unmute: (userId) => this.moderate(() => this.client.rest.unmute(this.roomId, userId)),
          kick: (userId) => this.moderate(() => this.client.rest.kick(this.roomId, userId)),
          ban: (userId) => this.moderate(() => this.client.rest.ban(this.roomId, userId)),
          setRole: (userId, role) => this.moderate(() => this.client.rest.setRole(this.roomId, userId, role)),
        }),
      );
    } else if (this.panel === 'settings' && room) {
      this.side.replaceChildren(
        settingsPanel(room, (changes, settings) =>
          this.moderate(async () => {
            await this.client.rest.updateRoom(this.roomId, changes);
            this.state.rooms.set(this.roomId, await this.client.rest.putSettings(this.roomId, settings));
            toast('Settings saved', 'info');
          }),
        ),
      );
    } else {
      this.side.replaceChildren();
    }
  }

  /**
   * Shows a panel that keeps state of its own (a composer's text, a search's results): the same
   * element stays in place across redraws, so the focus and what was typed are not lost.
   */
  private showInSide(element: HTMLElement): void {
    if (this.side.childElementCount !== 1 || this.side.firstElementChild !== element) this.side.replaceChildren(element);
  }

  /** Opens a thread beside the room; with `reveal`, scrolls to that reply (a search hit's). */
  async openThread(rootId: string, reveal?: string): Promise<void> {
    let panel = this.threadPanel;
    const fresh = !panel || panel.rootId !== rootId;
    if (!panel || fresh) panel = this.threadPanel = new ThreadPanel(this.client, this.roomId, rootId, () => this.messageActions(), () => this.closePanel());
    this.panel = 'thread';
    this.renderHeader();
    this.renderPanel();
    if (fresh) await panel.load();
    if (reveal) panel.reveal(reveal);
    else panel.focus();
  }

  /**
   * Shows a message of this room: in its thread when it is a thread-only reply, else in the list,
   * paging history upward until it is loaded, then scrolled to and marked for a moment.
   */
  async jumpTo(message: MessageDto): Promise<void> {
    if (message.threadRootId && !inMainList(message)) return this.openThread(message.threadRootId, message.id);
    const store = this.client.store(this.roomId);
    try {
      for (let pages = 0; !store.get(message.id) && store.hasOlder && store.oldestSeq > message.seq && pages < 50; pages++) {
        await this.client.loadOlder(this.roomId, 100);
      }
    } catch (e) {
      toast(errorText(e));
      return;
    }
    const item = this.list.querySelector(`[data-id="${CSS.escape(message.id)}"]`);
    if (!(item instanceof HTMLElement)) {
      toast('That message is not in the room any more.', 'info');
      return;
    }
    item.scrollIntoView({ block: 'center' });
    item.classList.add('message-flash');
    setTimeout(() => item.classList.remove('message-flash'), 2000);
  }

  /** MessagePinned / MessageUnpinned of this room, for the pinned panel when it is open. */
  pinned(pin: PinDto): void {
    this.pinsPanel?.pinned(pin);
  }

  unpinned(messageId: string): void {
    this.pinsPanel?.unpinned(messageId);
  }

  /**
   * ThreadReadUpdated of this room: the open thread need not mark what was read elsewhere, and an
   * open list of threads shows the new unread counts.
   */
  threadRead(rootId: string, lastReadSeq: number): void {
    if (this.threadPanel?.rootId === rootId) this.threadPanel.noteRead(lastReadSeq);
    if (this.panel === 'threads') void this.loadThreads();
  }

  /** Notes this user's own reactions, which history does not carry. */
  noteReaction(messageId: string, emoji: string, added: boolean): void {
    const key = `${messageId} ${emoji}`;
    if (added) this.myReactions.add(key);
    else this.myReactions.delete(key);
  }

  private messageActions(): MessageActions {
    const canModerate = this.myRole === 'moderator' || this.myRole === 'admin';
    const store = this.client.store(this.roomId);
    return {
      me: this.me,
      canModerate,
      // The service lets the trigger's sender, moderators and global admins stop a reply; the
      // trigger is known when the store holds it (a reply to a message older than what is loaded
      // offers no Stop).
      canStop: (reply) =>
        canModerate || this.client.me?.role === 'admin' || (!!reply.replyToId && store.get(reply.replyToId)?.senderId === this.me),
      stop: (messageId) => void this.client.stopReply(this.roomId, messageId).catch((e) => toast(errorText(e))),
      rest: this.client.rest,
      reacted: (messageId, emoji) => this.myReactions.has(`${messageId} ${emoji}`),
      react: (messageId, emoji, add) =>
        void (add ? this.client.addReaction(this.roomId, messageId, emoji) : this.client.removeReaction(this.roomId, messageId, emoji)).catch((e) =>
          toast(errorText(e)),
        ),
      edit: (messageId, content) => void this.client.editMessage(this.roomId, messageId, content).catch((e) => toast(errorText(e))),
      remove: (messageId) => void this.client.deleteMessage(this.roomId, messageId).catch((e) => toast(errorText(e))),
      mentionKind: (message) => this.mentionKind(message),
      canPin: canModerate,
      pin: (messageId, pin) =>
        void (pin ? this.client.pinMessage(this.roomId, messageId) : this.client.unpinMessage(this.roomId, messageId)).catch((e) => toast(errorText(e))),
      openThread: (rootId) => void this.openThread(rootId),
    };
  }

  /** Which `@name`s of a message name someone: the reader, a member, or `@room` when the service took it as one. */
  private mentionKind(message: MessageDto): MentionKind {
    const myName = this.client.me?.userName.toLowerCase();
    return (name) => {
      if (name === 'room') return message.mentionsRoom ? (message.senderId === this.me ? 'other' : 'me') : null;
      if (name === myName) return 'me';
      return this.state.memberByUserName(this.roomId, name) ? 'other' : null;
    };
  }

  private send(text: string): Promise<void> {
    return this.pending.send(text);
  }

  private async attach(file: File): Promise<void> {
    try {
      const attachment = await this.client.rest.uploadAttachment(this.roomId, file, file.name);
      const type = imageTypes.test(attachment.contentType) ? 'image' : 'file';
      await this.client.send({ roomId: this.roomId, type, content: attachment.fileName, attachmentId: attachment.id }, attachment);
    } catch (e) {
      toast(errorText(e));
    }
  }

  private async loadOlder(): Promise<void> {
    const store = this.client.store(this.roomId);
    if (this.loadingOlder || !store.hasOlder) return;
    this.loadingOlder = true;
    try {
      await this.client.loadOlder(this.roomId);
    } catch (e) {
      toast(errorText(e));
    } finally {
      this.loadingOlder = false;
    }
  }

  private async invite(): Promise<void> {
    try {
      const invitation = await this.client.rest.createInvitation(this.roomId, 7 * 24 * 3600);
      const link = invitationLink(invitation.token);
      await navigator.clipboard?.writeText(link).catch(() => undefined);
      prompt('Invitation link (valid for 7 days):', link);
    } catch (e) {
      toast(errorText(e));
    }
  }

  private async leave(): Promise<void> {
    if (!confirm('Leave this room?')) return;
    try {
      await this.client.leaveRoom(this.roomId);
    } catch (e) {
      toast(errorText(e));
    }
  }

  private toggle(panel: Panel): void {
    this.panel = this.panel === panel ? null : panel;
    if (this.panel === 'pins') {
      this.pinsPanel ??= new PinsPanel(
        this.client.rest,
        this.roomId,
        () => this.myRole === 'moderator' || this.myRole === 'admin',
        (messageId) => void this.client.unpinMessage(this.roomId, messageId).catch((e) => toast(errorText(e))),
        (message) => void this.jumpTo(message),
        () => this.closePanel(),
      );
      void this.pinsPanel.load().then(() => this.notePinCount());
    } else if (this.panel === 'search') {
      this.searchPanel ??= new SearchPanel(
        this.client.rest,
        this.roomId,
        (roomId) => this.state.rooms.get(roomId)?.name ?? 'room',
        (message) => this.openMessage(message),
        () => this.closePanel(),
      );
    } else if (this.panel === 'threads') {
      void this.loadThreads();
    }
    this.renderHeader();
    this.renderPanel();
    if (this.panel === 'search') this.searchPanel?.focus();
  }

  private closePanel(): void {
    this.panel = null;
    this.renderHeader();
    this.renderPanel();
  }

  private async loadThreads(): Promise<void> {
    try {
      const threads = await this.client.rest.threads(this.roomId);
      this.threadsElement = threadsList(threads, (rootId) => void this.openThread(rootId), () => this.closePanel());
      if (this.panel === 'threads') this.renderPanel();
    } catch (e) {
      toast(errorText(e));
    }
  }

  /** The pinned list is the truth about the count: a header that drifted (a missed event) is put right. */
  private notePinCount(): void {
    const room = this.state.rooms.get(this.roomId);
    const count = this.pinsPanel?.count;
    if (!room || count === null || count === undefined || room.pinnedCount === count) return;
    this.state.rooms.set(this.roomId, { ...room, pinnedCount: count });
    this.renderHeader();
  }

  private async toggleNotifications(): Promise<void> {
    const muted = !(this.state.rooms.get(this.roomId)?.notificationsMuted ?? false);
    try {
      await this.client.rest.setRoomNotifications(this.roomId, muted);
      const room = this.state.rooms.get(this.roomId);
      if (room) this.state.rooms.set(this.roomId, { ...room, notificationsMuted: muted });
      this.renderHeader();
    } catch (e) {
      toast(errorText(e));
    }
  }

  private moderate(action: () => Promise<unknown>): void {
    action().catch((e) => toast(errorText(e)));
  }
}
