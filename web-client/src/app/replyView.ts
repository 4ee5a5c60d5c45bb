import type { MessageDto, MessagePartDto } from '@chat-service/client';
import { h } from './dom';
import { messageText } from './messageText';

// A tool's result can be long (a page of search results): the chip shows its start, the title all of it.
const chipResultLength = 60;

/**
 * The body of a bot's reply: its text parts as message text and its tool calls as small chips,
 * in the order the bot produced them. While it streams, a cursor follows the text; once it ends
 * with an error or was stopped, a line says so under what it had written.
 */
export function replyBody(message: MessageDto): HTMLElement {
  const body = h('div', { class: 'reply-body' });
  const parts = message.parts?.length ? message.parts : [{ kind: 'text', text: message.content } satisfies MessagePartDto];
  const results = new Map(parts.filter((p) => p.kind === 'tool_result').map((p) => [p.callId ?? '', p]));
  const calls = new Set(parts.filter((p) => p.kind === 'tool_call').map((p) => p.callId ?? ''));
  let lastText: HTMLElement | null = null;
  for (const part of parts) {
    if (part.kind === 'text') {
      lastText = messageText(part.text ?? '');
      body.append(lastText);
    } else if (part.kind === 'tool_call') {
      chipRow(body).append(toolChip(part.name ?? 'tool', results.get(part.callId ?? '')));
    } else if (part.kind === 'tool_result' && !calls.has(part.callId ?? '')) {
      // A result whose call this copy does not hold still says what happened.
      chipRow(body).append(toolChip('tool', part));
    }
  }

  if (message.status === 'streaming') {
    // An empty span, drawn by CSS: the cursor must not become part of the text people copy.
    const cursor = h('span', { class: 'reply-cursor', 'aria-hidden': 'true' });
    if (lastText && body.lastElementChild === lastText) lastText.append(cursor);
    else body.append(h('div', { class: 'message-text' }, cursor));
  } else if (message.status === 'error') {
    body.append(h('div', { class: 'reply-status reply-error', role: 'status' }, message.error?.message || 'The reply failed.'));
  } else if (message.status === 'cancelled') {
    body.append(h('div', { class: 'reply-status reply-stopped' }, 'stopped'));
  }
  return body;
}

/** Whether a message is shown as a reply with parts rather than as plain text. */
export function isReply(message: MessageDto): boolean {
  return message.status !== 'complete' || (message.parts?.length ?? 0) > 0;
}

/** Consecutive tool calls share one row of chips. */
function chipRow(body: HTMLElement): HTMLElement {
  const last = body.lastElementChild;
  if (last instanceof HTMLElement && last.classList.contains('tool-chips')) return last;
  const row = h('div', { class: 'tool-chips' });
  body.append(row);
  return row;
}

/** "⚙ name", then "⚙ name → result" (or "✕ result" for a failed call) once the result is in. */
function toolChip(name: string, result: MessagePartDto | undefined): HTMLElement {
  if (!result) return h('span', { class: 'tool-chip tool-chip-pending', title: `Calling ${name}…` }, `⚙ ${name}`);
  const text = result.result ?? '';
  const short = text.length > chipResultLength ? `${text.slice(0, chipResultLength)}…` : text;
  const failed = result.isError === true;
  return h(
    'span',
    { class: `tool-chip${failed ? ' tool-chip-error' : ''}`, title: text },
    `⚙ ${name}`,
    h('span', { class: 'tool-chip-result' }, failed ? ` ✕ ${short}` : ` → ${short}`),
  );
}
