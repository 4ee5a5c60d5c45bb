import type { ChatClient, MessageDto } from '@chat-service/client';
import { composer } from './composer';
import { errorText, h, toast } from './dom';
import { messageItem, type MessageActions } from './messageItem';
import { PendingSends } from './pendingSends';

/**
 * A thread beside the room: its root, its replies (GetThread's pages and the ones that arrive live,
 * both from the room's store), and a composer of its own whose "Also send to room" puts the reply
 * in the main list too. Replies on screen move the thread's read pointer.
 */
export class ThreadPanel {
  readonly element: HTMLElement;
  private readonly rootSlot = h('div', { class: 'thread-root' });
  private readonly countLine = h('div', { class: 'thread-count', 'aria-live': 'polite' });
  private readonly list = h('ol', { class: 'thread-replies', 'aria-label': 'Replies' });
  private readonly moreButton = h('button', { type: 'button', class: 'load-older', hidden: true }, 'Load more replies');
  private readonly scroller = h('div', { class: 'thread-scroller' }, this.rootSlot, this.countLine, this.list, this.moreButton);
  private readonly alsoToRoom = h('input', { type: 'checkbox', id: 'thread-also-to-room' });
  private root: MessageDto | null = null;
  /** The seq up to which pages have been loaded: the next page starts after it. */
  private pagedThrough = 0;
  private hasMore = false;
  private loading = false;
  private markedSeq = 0;
  private readonly pending = new PendingSends(
    (text, clientMessageId) =>
      this.client.send({
        roomId: this.roomId,
        type: 'text',
        content: text,
        clientMessageId,
        threadRootId: this.rootId,
        alsoToRoom: this.alsoToRoom.checked || undefined,
      }),
    () => this.render(),
  );

  constructor(
    private readonly client: ChatClient,
    readonly roomId: string,
    readonly rootId: string,
    private readonly actions: () => MessageActions,
    close: () => void,
  ) {
    this.moreButton.addEventListener('click', () => void this.loadPage());
    const threadComposer = composer(
      {
        send: (text) => this.send(text),
        attach: async () => undefined,
        typing: () => undefined,
      },
      false,
      {
        id: 'thread-composer',
        label: 'Reply in thread',
        placeholder: 'Reply…',
        extra: h('label', { class: 'field-inline also-to-room', for: 'thread-also-to-room' }, this.alsoToRoom, h('span', {}, 'Also send to room')),
      },
    );
    this.element = h(
      'aside',
      { class: 'panel thread-panel', 'aria-label': 'Thread', 'data-root-id': rootId },
      h('div', { class: 'panel-title' }, h('h3', {}, 'Thread'), h('button', { type: 'button', class: 'icon', 'aria-label': 'Close thread', onclick: close }, '✕')),
      this.scroller,
      threadComposer,
    );
  }

  /** Loads the first page; a root the user may not see (deleted, private) closes with a message. */
  async load(): Promise<void> {
    this.pagedThrough = 0;
    await this.loadPage();
  }

  focus(): void {
    this.element.querySelector('textarea')?.focus();
  }

  /** Scrolls a reply into view and marks it for a moment (a search hit's). */
  reveal(messageId: string): void {
    const item = this.list.querySelector(`[data-id="${CSS.escape(messageId)}"]`);
    if (!(item instanceof HTMLElement)) return;
    item.scrollIntoView({ block: 'center' });
    item.classList.add('message-flash');
    setTimeout(() => item.classList.remove('message-flash'), 2000);
  }

  render(): void {
    const store = this.client.store(this.roomId);
    const atBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 60;
    const root = store.get(this.rootId) ?? this.root;
    const actions = this.actions();
    const inThread: MessageActions = { ...actions, openThread: undefined };
    this.rootSlot.replaceChildren(root ? messageItem(root, inThread, null) : h('p', { class: 'muted' }, 'Loading…'));
    const replies = store.threadReplies(this.rootId);
    const count = Math.max(root?.thread?.replyCount ?? 0, replies.length);
    this.countLine.textContent = count === 0 ? 'No replies yet.' : `${count} ${count === 1 ? 'reply' : 'replies'}`;
    this.list.replaceChildren(...replies.map((m) => messageItem(m, inThread, null)), ...this.pending.items());
    this.moreButton.hidden = !this.hasMore;
    // Stay with the newest reply when the reader was there, as the room's list does.
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
    this.markRead(replies);
  }

  private async loadPage(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const page = await this.client.getThread(this.roomId, this.rootId, this.pagedThrough || undefined);
      this.root = page.root;
      this.hasMore = page.hasMore;
      this.noteRead(page.lastReadSeq);
      this.pagedThrough = page.replies.reduce((max, m) => Math.max(max, m.seq), this.pagedThrough);
      this.render();
    } catch (e) {
      toast(`Thread: ${errorText(e)}`);
    } finally {
      this.loading = false;
    }
  }

  private send(text: string): Promise<void> {
    return this.pending.send(text);
  }

  /** The thread was read this far (here, in an earlier page, or on another device): no need to mark it again. */
  noteRead(lastReadSeq: number): void {
    this.markedSeq = Math.max(this.markedSeq, lastReadSeq);
  }

  /** Moves the thread's read pointer to the newest reply shown, while the page is in view. */
  private markRead(replies: readonly MessageDto[]): void {
    const newest = replies.length ? replies[replies.length - 1].seq : 0;
    if (newest <= this.markedSeq || document.visibilityState !== 'visible') return;
    const previous = this.markedSeq;
    this.markedSeq = newest;
    void this.client.markThreadRead(this.roomId, this.rootId, newest).catch(() => (this.markedSeq = previous));
  }
}
