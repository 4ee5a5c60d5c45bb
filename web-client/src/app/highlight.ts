/** A run of a search hit's passage: matched words are `marked`. */
export interface HighlightPiece {
  text: string;
  marked: boolean;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Reads the service's highlight (the message text HTML-escaped, matches in `<mark>`…`</mark>`) into
 * plain text runs. The service escapes the text already, but the page still never parses it as HTML:
 * only the two mark tags have a meaning here, anything else stays text.
 */
export function highlightPieces(highlight: string): HighlightPiece[] {
  const pieces: HighlightPiece[] = [];
  let marked = false;
  for (const part of highlight.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) {
      const text = decodeEntities(part);
      const last = pieces[pieces.length - 1];
      if (last && last.marked === marked) last.text += text;
      else pieces.push({ text, marked });
    }
  }
  return pieces;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return entities[name.toLowerCase()] ?? whole;
  });
}
