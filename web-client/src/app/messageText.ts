import { h } from './dom';
import { splitLinks } from './links';

/** Message text: plain text nodes and safe links only. */
export function messageText(content: string): HTMLElement {
  const body = h('div', { class: 'message-text' });
  for (const part of splitLinks(content)) {
    body.append(
      part.kind === 'link'
        ? h('a', { href: part.href, target: '_blank', rel: 'noopener noreferrer' }, part.text)
        : document.createTextNode(part.text),
    );
  }
  return body;
}
