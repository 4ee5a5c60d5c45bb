import type { BotReplies, RoomDto, RoomSettings } from '@chat-service/client';
import { h } from './dom';

/** Room name, topic and settings, for admins. */
export function settingsPanel(room: RoomDto, save: (changes: { name: string; topic: string }, settings: RoomSettings) => void): HTMLElement {
  const name = h('input', { id: 'settings-name', value: room.name, required: true });
  const topic = h('input', { id: 'settings-topic', value: room.topic ?? '' });
  const files = h('input', { id: 'settings-files', type: 'checkbox', checked: room.settings.fileSharingAllowed });
  const typing = h('input', { id: 'settings-typing', type: 'checkbox', checked: room.settings.typingIndicators });
  const slow = h('input', { id: 'settings-slow', type: 'number', min: 0, value: room.settings.slowModeSeconds ?? 0 });
  const max = h('input', { id: 'settings-max', type: 'number', min: 1, value: room.settings.maxMembers ?? '' });
  const retention = h('input', { id: 'settings-retention', type: 'number', min: 1, value: room.settings.retentionDays ?? '' });
  // PUT replaces every setting: the bots' one must be sent back even by an admin who did not touch it.
  const botChoice = room.settings.botReplies ?? 'mentions';
  const bots = h(
    'select',
    { id: 'settings-bots' },
    ...botRepliesChoices.map(([value, label]) => h('option', { value, selected: value === botChoice }, label)),
  );
  const numberOrNull = (input: HTMLInputElement) => (input.value === '' ? null : Number(input.value));
  return h(
    'form',
    {
      class: 'panel settings-panel',
      'aria-label': 'Room settings',
      onsubmit: (e: Event) => {
        e.preventDefault();
        save(
          { name: name.value, topic: topic.value },
          {
            fileSharingAllowed: files.checked,
            typingIndicators: typing.checked,
            slowModeSeconds: Number(slow.value || 0),
            maxMembers: numberOrNull(max),
            retentionDays: numberOrNull(retention),
            botReplies: bots.value as BotReplies,
          },
        );
      },
    },
    h('h3', {}, 'Room settings'),
    row('Name', name),
    row('Topic', topic),
    row('Files allowed', files),
    row('Typing indicators', typing),
    row('Slow mode (seconds)', slow),
    row('Member limit', max),
    row('Keep messages (days)', retention),
    row('Bots reply to', bots),
    h('button', { type: 'submit', class: 'primary' }, 'Save settings'),
  );
}

const botRepliesChoices: [BotReplies, string][] = [
  ['mentions', 'messages that mention them'],
  ['all', 'every message'],
  ['off', 'nothing (silenced)'],
];

function row(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLElement {
  return h('label', { class: input.type === 'checkbox' ? 'field field-inline' : 'field', for: input.id }, h('span', {}, label), input);
}
