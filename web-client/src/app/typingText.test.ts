import { describe, expect, it } from 'vitest';
import { typingText } from './typingText';

describe('typing line', () => {
  it('names one or two typists and counts more', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['Alice'])).toBe('Alice is typing…');
    expect(typingText(['Alice', 'Bob'])).toBe('Alice and Bob are typing…');
    expect(typingText(['A', 'B', 'C'])).toBe('Several people are typing…');
  });
});
