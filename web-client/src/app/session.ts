const key = 'chat.session';

/** The signed-in user's token, kept across reloads of the tab. */
export interface Session {
  accessToken: string;
  expiresAt: string;
  userId: string;
}

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return new Date(session.expiresAt).getTime() > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(key, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(key);
}
