import { describe, expect, it } from 'vitest';
import { highlightPieces } from './highlight';

describe('a search hit\'s highlight', () => {
  it('marks the matches and keeps the rest as text', () => {
    expect(highlightPieces('the <mark>release</mark> notes for <mark>release</mark> 2')).toEqual([
      { text: 'the ', marked: false },
      { text: 'release', marked: true },
      { text: ' notes for ', marked: false },
      { text: 'release', marked: true },
      { text: ' 2', marked: false },
    ]);
  });

  it('gives escaped markup back as the characters the message had, never as markup', () => {
    expect(highlightPieces('&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp;amp; <mark>x</mark>')).toEqual([
      { text: '<img src=x onerror="alert(1)"> &amp; ', marked: false },
      { text: 'x', marked: true },
    ]);
  });

  it('treats any tag but mark as text, should one ever come unescaped', () => {
    expect(highlightPieces('<b>bold</b> <mark><i>it</i></mark>')).toEqual([
      { text: '<b>bold</b> ', marked: false },
      { text: '<i>it</i>', marked: true },
    ]);
  });

  it('reads numeric references and leaves unknown ones alone', () => {
    expect(highlightPieces('&#39;a&#x27; &#0; &nbsp;')).toEqual([{ text: "'a' &#0; &nbsp;", marked: false }]);
  });
});
