import { h } from './dom';

/** A message of this user that is on its way: shown at once, replaced by the stored one when acked. */
export interface PendingSend {
  clientMessageId: string;
  text: string;
  /** The send's outcome stayed unknown past the retry window: the user may retry it, with the same id. */
  failed: boolean;
}

/** A pending message: "Sending…", or "Not sent" with a Retry that sends it again as the same message. */
export function pendingItem(pending: PendingSend, retry: () => void): HTMLElement {
  return h(
    'li',
    { class: `message message-mine message-pending${pending.failed ? ' message-failed' : ''}`, 'data-client-message-id': pending.clientMessageId },
    h(
      'div',
      { class: 'message-meta' },
      h('span', { class: 'message-status', role: 'status' }, pending.failed ? 'Not sent' : 'Sending…'),
      pending.failed ? h('button', { type: 'button', class: 'retry-send', onclick: retry }, 'Retry') : null,
    ),
    // Not `message-text`: that is a stored message's text, which a pending one is not yet.
    h('div', { class: 'pending-text' }, pending.text),
  );
}
