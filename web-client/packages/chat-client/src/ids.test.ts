import { describe, expect, it } from 'vitest';
import { newClientMessageId } from './ids.js';

describe('client message ids', () => {
  it('are version 7 UUIDs that the server parses', () => {
    const id = newClientMessageId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carry the time they were made in, so later ids sort after earlier ones', () => {
    const at = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
    const id = newClientMessageId(at);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = newClientMessageId(at + 1);
    expect(later > id).toBe(true);
  });

  it('differ when made in the same millisecond', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => newClientMessageId(at)));
    expect(ids.size).toBe(1000);
  });
});
