import { describe, expect, it } from 'vitest';
import { roomFromHash } from './roomLink';

describe('a room link', () => {
  it('reads the room a notification opens, and nothing else', () => {
    expect(roomFromHash('#room=r%201')).toBe('r 1');
    expect(roomFromHash('#invite=abc')).toBeNull();
    expect(roomFromHash('#room=%E0%A4%A')).toBeNull();
    expect(roomFromHash('')).toBeNull();
  });
});
