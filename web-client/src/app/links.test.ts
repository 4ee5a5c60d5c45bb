import { describe, expect, it } from 'vitest';
import { safeHref, splitLinks } from './links';

describe('links in message text', () => {
  it('turns http and https addresses into links and keeps the rest as text', () => {
    expect(splitLinks('see https://example.com/a?b=1, then http://x.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes a link of another scheme', () => {
    expect(splitLinks('javascript:alert(1) data:text/html,<b>x</b>')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,<b>x</b>' },
    ]);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('/api/attachments/1')).toBeNull();
  });

  it('leaves markup in text as text', () => {
    expect(splitLinks('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });
});
