import type { RoomDto } from '@chat-service/client';
import { h } from './dom';

/** The user's rooms, newest activity first, with unread badges and, apart, a badge for unread mentions. */
export function roomList(
  rooms: readonly RoomDto[],
  unread: ReadonlyMap<string, number>,
  current: string | null,
  open: (roomId: string) => void,
  mentions: ReadonlyMap<string, number> = new Map(),
): HTMLElement {
  const sorted = [...rooms].sort((a, b) => activity(b) - activity(a));
  const list = h('ul', { class: 'room-list', 'aria-label': 'Your rooms' });
  for (const room of sorted) {
    const count = unread.get(room.id) ?? 0;
    const mentioned = room.id === current ? 0 : (mentions.get(room.id) ?? 0);
    list.append(
      h(
        'li',
        {},
        h(
          'button',
          {
            class: `room-link${room.id === current ? ' active' : ''}`,
            'aria-current': room.id === current ? 'page' : null,
            'data-room-id': room.id,
            onclick: () => open(room.id),
          },
          h('span', { class: 'room-name' }, `${room.isPrivate ? '🔒 ' : '# '}${room.name}`),
          h(
            'span',
            { class: 'badges' },
            mentioned > 0 ? h('span', { class: 'badge badge-mention', 'aria-label': `${mentioned} unread ${mentioned === 1 ? 'mention' : 'mentions'}` }, `@${mentioned}`) : null,
            count > 0 ? h('span', { class: 'badge', 'aria-label': `${count} unread` }, String(count)) : null,
          ),
        ),
      ),
    );
  }
  return list;
}

function activity(room: RoomDto): number {
  return (room.lastMessage?.sentAt ?? room.createdAt).getTime();
}
