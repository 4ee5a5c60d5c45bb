import { describe, expect, it } from 'vitest';
import { completeMention, mentionAt, mentionCandidates, mentionsUser, splitMentions } from './mentions';

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

describe('mentions in a message', () => {
  const names: Record<string, 'me' | 'other'> = { alice: 'me', bob: 'other', 'j.doe': 'other' };
  const kind = (name: string) => names[name] ?? null;

  it('sets known @names apart and leaves the rest as text', () => {
    expect(splitMentions('hi @Bob and @alice, see @nobody', kind)).toEqual([
      { text: 'hi ' },
      { text: '@Bob', mention: 'other' },
      { text: ' and ' },
      { text: '@alice', mention: 'me' },
      { text: ', see @nobody' },
    ]);
  });

  it('finds a name before a full stop, keeps dots inside names, and ignores e-mail addresses', () => {
    expect(splitMentions('thanks @bob.', kind)).toEqual([{ text: 'thanks ' }, { text: '@bob', mention: 'other' }, { text: '.' }]);
    expect(splitMentions('@j.doe!', kind)).toEqual([{ text: '@j.doe', mention: 'other' }, { text: '!' }]);
    expect(splitMentions('mail bob@bob.example', kind)).toEqual([{ text: 'mail bob@bob.example' }]);
  });

  it('tells whether a message mentions the reader: by id or @room, never their own', () => {
    expect(mentionsUser({ senderId: 'b', mentions: ['a'] }, 'a')).toBe(true);
    expect(mentionsUser({ senderId: 'b', mentions: [], mentionsRoom: true }, 'a')).toBe(true);
    expect(mentionsUser({ senderId: 'b', mentions: ['c'] }, 'a')).toBe(false);
    expect(mentionsUser({ senderId: 'a', mentions: ['a'], mentionsRoom: true }, 'a')).toBe(false);
  });
});
