import type { ChatRest, RoomDto } from '@chat-service/client';
import { errorText, h, toast } from './dom';

/** Create a room, or find public rooms by name or member and join them. */
/** `canCreate` is false for guests, whom the service does not let create rooms. */
export function roomDirectory(rest: ChatRest, joined: (room: RoomDto) => void, canCreate = true): HTMLElement {
  const name = h('input', { id: 'new-room-name', required: true, placeholder: 'Room name', 'aria-label': 'New room name' });
  const isPrivate = h('input', { id: 'new-room-private', type: 'checkbox' });
  const create = h(
    'form',
    {
      class: 'directory-create',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          const room = await rest.createRoom({ name: name.value, isPrivate: isPrivate.checked });
          name.value = '';
          isPrivate.checked = false;
          joined(room);
        } catch (err) {
          toast(errorText(err));
        }
      },
    },
    name,
    h('label', { class: 'field-inline', for: 'new-room-private' }, isPrivate, h('span', {}, 'Private')),
    h('button', { type: 'submit' }, 'Create'),
  );

  const query = h('input', { id: 'room-search', type: 'search', placeholder: 'Search rooms or @member', 'aria-label': 'Search rooms' });
  const results = h('ul', { class: 'search-results', 'aria-label': 'Search results' });
  const search = h(
    'form',
    {
      class: 'directory-search',
      role: 'search',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const text = query.value.trim();
        try {
          const rooms = await rest.searchRooms(text.startsWith('@') ? { member: text.slice(1) } : { q: text });
          results.replaceChildren(
            ...rooms.map((room) =>
              h(
                'li',
                {},
                h('span', {}, `${room.name} · ${room.memberCount} members`),
                h(
                  'button',
                  {
                    'aria-label': `Join ${room.name}`,
                    onclick: async () => {
                      try {
                        await rest.join(room.id);
                        results.replaceChildren();
                        joined(room);
                      } catch (err) {
                        toast(errorText(err));
                      }
                    },
                  },
                  'Join',
                ),
              ),
            ),
          );
          if (rooms.length === 0) results.append(h('li', { class: 'muted' }, 'No rooms found.'));
        } catch (err) {
          toast(errorText(err));
        }
      },
    },
    query,
    h('button', { type: 'submit' }, 'Search'),
  );
  return h('section', { class: 'directory', 'aria-label': 'Find or create rooms' }, canCreate ? create : null, search, results);
}
