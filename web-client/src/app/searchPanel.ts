import type { ChatRest, MessageDto, MessageSearchHit, MessageSearchPage } from '@chat-service/client';
import { errorText, h } from './dom';
import { highlightPieces } from './highlight';

const pageSize = 20;

/**
 * Message search, in the open room or across all of the user's rooms. A hit shows the service's
 * highlight with the matches marked; a click opens the message where it is (the room, or its thread).
 */
export class SearchPanel {
  readonly element: HTMLElement;
  private readonly input = h('input', { id: 'message-search', type: 'search', placeholder: 'Search messages', 'aria-label': 'Search messages', maxlength: 256, required: true });
  private readonly scope = h(
    'select',
    { id: 'message-search-scope', 'aria-label': 'Where to search' },
    h('option', { value: 'room' }, 'This room'),
    h('option', { value: 'all' }, 'All rooms'),
  );
  private readonly results = h('ol', { class: 'search-hits', 'aria-label': 'Found messages', 'aria-live': 'polite' });
  private readonly moreButton = h('button', { type: 'button', class: 'load-older', hidden: true }, 'More results');
  private hits: MessageSearchHit[] = [];
  private query = '';

  constructor(
    private readonly rest: ChatRest,
    readonly roomId: string,
    private readonly roomName: (roomId: string) => string,
    private readonly open: (message: MessageDto) => void,
    close: () => void,
  ) {
    this.moreButton.addEventListener('click', () => void this.search(false));
    this.element = h(
      'aside',
      { class: 'panel search-panel', 'aria-label': 'Search messages' },
      h('div', { class: 'panel-title' }, h('h3', {}, 'Search'), h('button', { type: 'button', class: 'icon', 'aria-label': 'Close search', onclick: close }, '✕')),
      h(
        'form',
        { class: 'message-search', role: 'search', onsubmit: (e: Event) => (e.preventDefault(), void this.search(true)) },
        this.input,
        this.scope,
        h('button', { type: 'submit' }, 'Find'),
      ),
      h('p', { class: 'muted search-help' }, 'Use "quotes" for a phrase, or and -word.'),
      this.results,
      this.moreButton,
    );
  }

  focus(): void {
    this.input.focus();
  }

  private async search(fresh: boolean): Promise<void> {
    if (fresh) {
      this.query = this.input.value.trim();
      this.hits = [];
    }
    if (!this.query) return;
    const everywhere = this.scope.value === 'all';
    try {
      const paging = { limit: pageSize, offset: this.hits.length };
      const page: MessageSearchPage = everywhere ? await this.rest.searchMessages(this.query, paging) : await this.rest.searchRoomMessages(this.roomId, this.query, paging);
      this.hits = [...this.hits, ...page.hits];
      this.moreButton.hidden = !page.hasMore;
      this.render(everywhere);
    } catch (e) {
      this.moreButton.hidden = true;
      this.results.replaceChildren(h('li', { class: 'muted' }, errorText(e)));
    }
  }

  private render(everywhere: boolean): void {
    if (this.hits.length === 0) {
      this.results.replaceChildren(h('li', { class: 'muted' }, 'No messages found.'));
      return;
    }
    this.results.replaceChildren(
      ...this.hits.map((hit) => {
        const m = hit.message;
        return h(
          'li',
          { class: 'search-hit', 'data-id': m.id },
          h(
            'button',
            { type: 'button', class: 'search-hit-open', onclick: () => this.open(m) },
            h(
              'span',
              { class: 'message-meta' },
              h('span', { class: 'message-sender' }, m.senderName),
              everywhere ? h('span', { class: 'search-hit-room' }, `#${this.roomName(m.roomId)}`) : null,
              m.threadRootId ? h('span', {}, 'in a thread') : null,
              h('time', { datetime: m.sentAt.toISOString() }, m.sentAt.toLocaleString()),
            ),
            highlighted(hit.highlight),
          ),
        );
      }),
    );
  }
}

/** The highlight as text nodes with `<mark>` elements: the passage itself is never parsed as HTML. */
function highlighted(highlight: string): HTMLElement {
  const passage = h('span', { class: 'search-highlight' });
  for (const piece of highlightPieces(highlight)) passage.append(piece.marked ? h('mark', {}, piece.text) : document.createTextNode(piece.text));
  return passage;
}
