import { h } from './dom';
import { splitLinks } from './links';
import { splitMentions } from './mentions';

/** Who an `@name` (lower case) names: the reader, someone else, or no one (plain text then). */
export type MentionKind = (name: string) => 'me' | 'other' | null;

/** Message text: plain text nodes and safe links only; `@name`s that `mentionKind` knows are set apart. */
export function messageText(content: string, mentionKind?: MentionKind): HTMLElement {
  const body = h('div', { class: 'message-text' });
  for (const part of splitLinks(content)) {
    if (part.kind === 'link') {
      body.append(h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer' }, part.text));
      continue;
    }
    const pieces = mentionKind ? splitMentions(part.text, mentionKind) : [{ text: part.text }];
    for (const piece of pieces) {
      body.append(piece.mention ? h('span', { class: piece.mention === 'me' ? 'mention mention-me' : 'mention' }, piece.text) : document.createTextNode(piece.text));
    }
  }
  return body;
}
