import type { ChatRest, MessageDto } from '@chat-service/client';
import { attachmentView } from './attachmentView';
import { h } from './dom';
import { mentionsUser } from './mentions';
import { messageText, type MentionKind } from './messageText';
import { isReply, replyBody } from './replyView';

export const quickReactions = ['👍', '❤️', '😂', '🎉', '😮'];

/** What a message row needs from the room around it. */
export interface MessageActions {
  me: string;
  canModerate: boolean;
  rest: ChatRest;
  /** Whether the user has given this reaction (known from this session's events). */
  reacted(messageId: string, emoji: string): boolean;
  react(messageId: string, emoji: string, add: boolean): void;
  edit(messageId: string, content: string): void;
  remove(messageId: string): void;
  /** Whether the user may stop this reply in progress: they sent what it answers, or they moderate. */
  canStop(message: MessageDto): boolean;
  stop(messageId: string): void;
  /** Who the `@name`s of this message's text name, to set them apart. */
  mentionKind?(message: MessageDto): MentionKind;
  /** Moderators and admins pin and unpin. */
  canPin?: boolean;
  pin?(messageId: string, pinned: boolean): void;
  /** Opens a root's thread; left out where no thread can be opened (inside the thread itself). */
  openThread?(rootId: string): void;
}

/** Whether a thread may start at this message: not private, not deleted, not a reply in a thread itself. */
export function canStartThread(message: MessageDto): boolean {
  return !message.toUserId && !message.deleted && !message.threadRootId && message.status === 'complete';
}

export function messageItem(message: MessageDto, actions: MessageActions, seenBy: string[] | null): HTMLElement {
  const mine = message.senderId === actions.me;
  const time = message.sentAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

  if (message.type === 'join' || message.type === 'leave' || message.type === 'system') {
    return h('li', { class: 'message message-system', 'data-seq': message.seq, 'data-id': message.id }, message.content || `${message.senderName} ${message.type === 'join' ? 'joined' : 'left'}`);
  }

  const streaming = message.status === 'streaming' && !message.deleted;
  const mentioned = !message.deleted && mentionsUser(message, actions.me);
  const item = h('li', {
    class: `message${mine ? ' message-mine' : ''}${message.deleted ? ' message-deleted' : ''}${streaming ? ' message-streaming' : ''}${mentioned ? ' message-mention' : ''}${message.pinned ? ' message-is-pinned' : ''}`,
    'data-seq': message.seq,
    'data-id': message.id,
    'data-status': message.status,
    'aria-busy': streaming ? 'true' : null,
    tabindex: 0,
  });
  const header = h(
    'div',
    { class: 'message-meta' },
    h('span', { class: 'message-sender' }, message.senderName),
    h('time', { datetime: message.sentAt.toISOString() }, time),
    message.editedAt && !message.deleted ? h('span', { class: 'message-edited' }, '(edited)') : null,
    message.toUserId ? h('span', { class: 'message-private' }, 'private') : null,
    message.pinned && !message.deleted ? h('span', { class: 'message-pinned', title: 'Pinned' }, '📌 pinned') : null,
    message.threadRootId && actions.openThread
      ? h('button', { type: 'button', class: 'link thread-origin', onclick: () => actions.openThread?.(message.threadRootId!) }, 'replied in a thread')
      : null,
  );
  item.append(header);

  if (message.deleted) {
    item.append(h('div', { class: 'message-text' }, 'This message was deleted.'));
    return item;
  }

  // A bot's reply shows its parts (text, tool calls) and how it ended; other messages their text.
  const reply = isReply(message);
  const body = reply ? replyBody(message) : messageText(message.content, actions.mentionKind?.(message));
  if (message.attachment && !reply) item.append(attachmentView(actions.rest, message.attachment));
  if (reply || message.type === 'text' || !message.attachment) item.append(body);
  // Under the text, always shown: a reply that runs on must be easy to stop, and the hover tools
  // cover the top of the row.
  if (streaming && actions.canStop(message)) {
    item.append(
      h(
        'div',
        { class: 'reply-actions' },
        h('button', { type: 'button', class: 'stop-reply', 'aria-label': `Stop ${message.senderName}'s reply`, onclick: () => actions.stop(message.id) }, 'Stop'),
      ),
    );
  }

  const reactions = h('div', { class: 'reactions', 'aria-label': 'Reactions' });
  for (const [emoji, count] of Object.entries(message.reactions)) {
    const pressed = actions.reacted(message.id, emoji);
    reactions.append(
      h(
        'button',
        {
          class: 'reaction',
          'aria-pressed': String(pressed),
          'aria-label': `${emoji} ${count}`,
          onclick: () => actions.react(message.id, emoji, !pressed),
        },
        `${emoji} ${count}`,
      ),
    );
  }
  item.append(reactions);

  const thread = message.thread;
  if (thread && thread.replyCount > 0 && actions.openThread) {
    const last = thread.lastReplyAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    item.append(
      h(
        'button',
        { type: 'button', class: 'link thread-link', 'data-reply-count': thread.replyCount, onclick: () => actions.openThread?.(message.id) },
        `${thread.replyCount} ${thread.replyCount === 1 ? 'reply' : 'replies'}`,
        h('span', { class: 'thread-last' }, ` · last ${last}`),
      ),
    );
  }

  const tools = h('div', { class: 'message-tools' });
  const picker = h('span', { class: 'reaction-picker' });
  for (const emoji of quickReactions) {
    picker.append(h('button', { class: 'icon', 'aria-label': `React with ${emoji}`, onclick: () => actions.react(message.id, emoji, true) }, emoji));
  }
  tools.append(picker);
  if (actions.openThread && canStartThread(message)) {
    tools.append(h('button', { class: 'icon', 'aria-label': 'Reply in thread', title: 'Reply in thread', onclick: () => actions.openThread?.(message.id) }, '💬'));
  }
  if (actions.canPin && actions.pin && !message.toUserId) {
    const pinned = message.pinned === true;
    tools.append(
      h('button', { class: 'icon', 'aria-label': pinned ? 'Unpin message' : 'Pin message', title: pinned ? 'Unpin' : 'Pin', onclick: () => actions.pin?.(message.id, !pinned) }, pinned ? '📍' : '📌'),
    );
  }
  if (mine && message.type === 'text' && !reply) {
    tools.append(h('button', { class: 'icon', 'aria-label': 'Edit message', onclick: () => startEdit(body, message, actions) }, '✎'));
  }
  if (mine || actions.canModerate) {
    tools.append(
      h('button', { class: 'icon', 'aria-label': 'Delete message', onclick: () => confirm('Delete this message?') && actions.remove(message.id) }, '🗑'),
    );
  }
  item.append(tools);

  if (seenBy && seenBy.length > 0) item.append(h('div', { class: 'seen-by' }, `Seen by ${seenBy.join(', ')}`));
  return item;
}

/** Swaps the text for a box: Enter saves, Escape gives up. */
function startEdit(body: HTMLElement, message: MessageDto, actions: MessageActions): void {
  const editor = h('textarea', { class: 'edit-box', 'aria-label': 'Edit message', rows: 2 });
  editor.value = message.content;
  const finish = () => editor.replaceWith(body);
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') finish();
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      const content = editor.value.trim();
      if (content && content !== message.content) actions.edit(message.id, content);
      finish();
    }
  });
  body.replaceWith(editor);
  editor.focus();
}
