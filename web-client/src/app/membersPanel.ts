import type { MemberDto, PresenceStatus, RoomRole } from '@chat-service/client';
import { h } from './dom';
import { presenceDot } from './presence';

const rank: Record<RoomRole, number> = { guest: 0, member: 1, moderator: 2, admin: 3 };

export interface ModerationActions {
  mute(userId: string, seconds: number): void;
  unmute(userId: string): void;
  kick(userId: string): void;
  ban(userId: string): void;
  setRole(userId: string, role: RoomRole): void;
}

/** Members with presence; moderators get actions on members below them, admins a role picker. */
export function membersPanel(
  members: readonly MemberDto[],
  me: string,
  status: (userId: string, fallback: PresenceStatus) => PresenceStatus,
  actions: ModerationActions,
): HTMLElement {
  const myRole = members.find((m) => m.userId === me)?.role ?? 'member';
  const sorted = [...members].sort((a, b) => rank[b.role] - rank[a.role] || a.displayName.localeCompare(b.displayName));
  const list = h('ul', { class: 'members' });
  for (const m of sorted) {
    const muted = m.mutedUntil && m.mutedUntil.getTime() > Date.now();
    const row = h(
      'li',
      { class: 'member', 'data-user-id': m.userId },
      presenceDot(status(m.userId, m.status)),
      h('span', { class: 'member-name' }, m.displayName),
      h('span', { class: 'member-role' }, m.role),
      muted ? h('span', { class: 'member-muted' }, 'muted') : null,
    );
    if (m.userId !== me && rank[myRole] >= 2 && rank[myRole] > rank[m.role]) {
      const tools = h('div', { class: 'member-tools' });
      tools.append(
        muted
          ? h('button', { onclick: () => actions.unmute(m.userId), 'aria-label': `Unmute ${m.displayName}` }, 'Unmute')
          : h('button', { onclick: () => actions.mute(m.userId, 600), 'aria-label': `Mute ${m.displayName} for 10 minutes` }, 'Mute'),
        h('button', { onclick: () => actions.kick(m.userId), 'aria-label': `Remove ${m.displayName}` }, 'Kick'),
        h('button', { class: 'danger', onclick: () => confirm(`Ban ${m.displayName}?`) && actions.ban(m.userId), 'aria-label': `Ban ${m.displayName}` }, 'Ban'),
      );
      if (myRole === 'admin') {
        const role = h(
          'select',
          { 'aria-label': `Role of ${m.displayName}`, onchange: () => actions.setRole(m.userId, role.value as RoomRole) },
          ...(['guest', 'member', 'moderator', 'admin'] as const).map((r) => h('option', { value: r, selected: r === m.role }, r)),
        );
        tools.append(role);
      }
      row.append(tools);
    }
    list.append(row);
  }
  return h('aside', { class: 'panel members-panel', 'aria-label': 'Members' }, h('h3', {}, `Members (${members.length})`), list);
}
