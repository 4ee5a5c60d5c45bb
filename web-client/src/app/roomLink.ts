/** A notification's click opens the app at `/#room=ID` when no window of it is open (see public/sw.js). */
export function roomFromHash(hash: string): string | null {
  const match = /^#room=([^&]+)$/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
