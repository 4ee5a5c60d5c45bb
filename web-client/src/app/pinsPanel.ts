import type { ChatRest, MessageDto, PinDto } from '@chat-service/client';
import { errorText, h } from './dom';
import { messageText } from './messageText';

/** The room's pinned messages, the latest pin first; kept current by the pin events while open. */
export class PinsPanel {
  readonly element: HTMLElement;
  private readonly list = h('ol', { class: 'pins', 'aria-label': 'Pinned messages' });
  private pins: PinDto[] = [];
  private loaded = false;

  constructor(
    private readonly rest: ChatRest,
    readonly roomId: string,
    private readonly canUnpin: () => boolean,
    private readonly unpin: (messageId: string) => void,
    private readonly open: (message: MessageDto) => void,
    close: () => void,
  ) {
    this.element = h(
      'aside',
      { class: 'panel pins-panel', 'aria-label': 'Pinned messages' },
      h('div', { class: 'panel-title' }, h('h3', {}, 'Pinned'), h('button', { type: 'button', class: 'icon', 'aria-label': 'Close pinned messages', onclick: close }, '✕')),
      this.list,
    );
  }

  /** How many pins are shown, once loaded: the room's pinnedCount as this user last heard it. */
  get count(): number | null {
    return this.loaded ? this.pins.length : null;
  }

  async load(): Promise<void> {
    this.list.replaceChildren(h('li', { class: 'muted' }, 'Loading…'));
    try {
      this.pins = await this.rest.pins(this.roomId);
      this.loaded = true;
      this.render();
    } catch (e) {
      this.list.replaceChildren(h('li', { class: 'muted' }, errorText(e)));
    }
  }

  pinned(pin: PinDto): void {
    if (!this.loaded) return;
    this.pins = [pin, ...this.pins.filter((p) => p.message.id !== pin.message.id)];
    this.render();
  }

  unpinned(messageId: string): void {
    if (!this.loaded) return;
    this.pins = this.pins.filter((p) => p.message.id !== messageId);
    this.render();
  }

  /** A pinned message changed (an edit, a reaction): the pin shows its current text. */
  updated(message: MessageDto): void {
    if (!this.pins.some((p) => p.message.id === message.id)) return;
    this.pins = this.pins.map((p) => (p.message.id === message.id ? { ...p, message } : p));
    this.render();
  }

  render(): void {
    if (!this.loaded) return;
    if (this.pins.length === 0) {
      this.list.replaceChildren(h('li', { class: 'muted' }, 'Nothing is pinned yet.'));
      return;
    }
    this.list.replaceChildren(
      ...this.pins.map((pin) => {
        const m = pin.message;
        return h(
          'li',
          { class: 'pin', 'data-id': m.id },
          h(
            'button',
            { type: 'button', class: 'pin-open', 'aria-label': `Show the message of ${m.senderName}`, onclick: () => this.open(m) },
            h('span', { class: 'message-meta' }, h('span', { class: 'message-sender' }, m.senderName), h('time', { datetime: m.sentAt.toISOString() }, m.sentAt.toLocaleString())),
            messageText(m.content || m.attachment?.fileName || ''),
          ),
          this.canUnpin() ? h('button', { type: 'button', class: 'link unpin', 'aria-label': `Unpin the message of ${m.senderName}`, onclick: () => this.unpin(m.id) }, 'Unpin') : null,
        );
      }),
    );
  }
}
