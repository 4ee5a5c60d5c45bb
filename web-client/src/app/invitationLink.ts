/** Invitation links carry the token in the fragment, which never reaches a server log. */
export function invitationLink(token: string, origin = location.origin): string {
  return `${origin}/#invite=${encodeURIComponent(token)}`;
}

export function invitationFromHash(hash: string): string | null {
  const match = /^#invite=([^&]+)$/.exec(hash);
  return match ? decodeURIComponent(match[1]) : null;
}
