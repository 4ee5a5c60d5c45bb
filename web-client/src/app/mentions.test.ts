import { describe, expect, it } from 'vitest';
import { completeMention, mentionAt, mentionCandidates } from './mentions';

describe('@ completion', () => {
  it('finds the mention the caret is in, and none inside a word', () => {
    expect(mentionAt('hi @he', 6)).toEqual({ start: 3, query: 'he' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail me@he', 10)).toBeNull();
    expect(mentionAt('@helper done', 12)).toBeNull();
  });

  it('offers the names that start with what was typed, whatever its case', () => {
    expect(mentionCandidates(['helper', 'herald', 'scribe'], 'he')).toEqual(['helper', 'herald']);
    expect(mentionCandidates(['Helper'], 'hel')).toEqual(['Helper']);
  });

  it('replaces the partial mention with the name and a space, keeping the rest', () => {
    const text = 'ask @he what time it is';
    const mention = mentionAt(text, 7)!;
    expect(completeMention(text, 7, mention, 'helper')).toEqual({ text: 'ask @helper what time it is', caret: 12 });
    expect(completeMention('@h', 2, mentionAt('@h', 2)!, 'helper')).toEqual({ text: '@helper ', caret: 8 });
  });
});
