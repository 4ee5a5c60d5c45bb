import type { ThreadDto } from '@chat-service/client';
import { h } from './dom';

/** The user's threads in the room, latest reply first, with what they have not read of each. */
export function threadsList(threads: readonly ThreadDto[], open: (rootId: string) => void, close: () => void): HTMLElement {
  const list = h('ol', { class: 'threads', 'aria-label': 'Your threads' });
  for (const t of threads) {
    const root = t.root;
    const replies = root.thread?.replyCount ?? 0;
    list.append(
      h(
        'li',
        { class: 'thread-entry', 'data-id': root.id },
        h(
          'button',
          { type: 'button', class: 'thread-open', onclick: () => open(root.id) },
          h('span', { class: 'message-meta' }, h('span', { class: 'message-sender' }, root.senderName), h('span', {}, `${replies} ${replies === 1 ? 'reply' : 'replies'}`)),
          h('span', { class: 'thread-preview' }, root.deleted ? 'This message was deleted.' : root.content),
          t.unreadCount > 0 ? h('span', { class: 'badge', 'aria-label': `${t.unreadCount} unread` }, String(t.unreadCount)) : null,
        ),
      ),
    );
  }
  if (threads.length === 0) list.append(h('li', { class: 'muted' }, 'You take part in no thread here yet.'));
  return h(
    'aside',
    { class: 'panel threads-panel', 'aria-label': 'Threads' },
    h('div', { class: 'panel-title' }, h('h3', {}, 'Threads'), h('button', { type: 'button', class: 'icon', 'aria-label': 'Close threads', onclick: close }, '✕')),
    list,
  );
}
