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
