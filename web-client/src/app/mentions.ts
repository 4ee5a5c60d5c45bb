/** A mention being typed: where its `@` is and what follows it so far. */
export interface PartialMention {
  start: number;
  query: string;
}

/** The mention the caret is in (`hi @he|` → `{start: 3, query: 'he'}`), or null when there is none. */
export function mentionAt(text: string, caret: number): PartialMention | null {
  // userNames are 3–32 of a-z A-Z 0-9 _ . - ; an @ inside a word (an e-mail address) is no mention.
  const match = /(^|\s)@([A-Za-z0-9_.-]{0,32})$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2].toLowerCase() };
}

/** The names that complete `query`, alphabetical; a name typed in full is still offered (Tab adds the space). */
export function mentionCandidates(names: Iterable<string>, query: string): string[] {
  return [...new Set(names)].filter((n) => n.toLowerCase().startsWith(query)).sort((a, b) => a.localeCompare(b));
}

/** The text with the partial mention replaced by `@name ` and where the caret goes after it. */
export function completeMention(text: string, caret: number, mention: PartialMention, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^\s/, '');
  return { text: text.slice(0, mention.start) + inserted + rest, caret: mention.start + inserted.length };
}

/** A run of message text: plain, or an `@name` that names someone (`me` when it is the reader). */
export interface TextPiece {
  text: string;
  mention?: 'me' | 'other';
}

// An @ that follows a letter, digit or name character belongs to a word (an e-mail address), not a mention.
const mentionPattern = /(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]+)/g;

/**
 * Splits text at the `@name`s that `kind` knows (given the name in lower case), so they can be
 * shown apart; other `@words` stay text. A name followed by a full stop or hyphen ("thanks @bob.")
 * is still found.
 */
export function splitMentions(text: string, kind: (name: string) => 'me' | 'other' | null): TextPiece[] {
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const match of text.matchAll(mentionPattern)) {
    let name = match[1];
    let found = kind(name.toLowerCase());
    while (!found && /[.-]$/.test(name)) {
      name = name.slice(0, -1);
      found = kind(name.toLowerCase());
    }
    if (!found || !name) continue;
    const start = match.index;
    if (start > at) pieces.push({ text: text.slice(at, start) });
    pieces.push({ text: `@${name}`, mention: found });
    at = start + name.length + 1;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

/** Whether a message mentions the user, by name or with `@room`; one's own messages never do. */
export function mentionsUser(message: { senderId: string; mentions?: string[] | null; mentionsRoom?: boolean }, userId: string): boolean {
  if (!userId || message.senderId === userId) return false;
  return message.mentionsRoom === true || (message.mentions ?? []).includes(userId);
}
