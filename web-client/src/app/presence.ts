import type { PresenceStatus, SettablePresence } from '@chat-service/client';
import { h } from './dom';

const labels: Record<PresenceStatus, string> = {
  online: 'Online',
  idle: 'Idle',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
};

/** A coloured dot with the status as its accessible name. */
export function presenceDot(status: PresenceStatus): HTMLElement {
  return h('span', { class: `dot dot-${status}`, role: 'img', 'aria-label': labels[status], title: labels[status] });
}

/** The picker for the user's own status. */
export function presencePicker(current: PresenceStatus, choose: (status: SettablePresence) => void): HTMLElement {
  const select = h(
    'select',
    { id: 'presence', 'aria-label': 'Your status', onchange: () => choose(select.value as SettablePresence) },
    ...(['online', 'idle', 'away', 'dnd'] as const).map((s) => h('option', { value: s, selected: s === current }, labels[s])),
  );
  return select;
}
