import type { ChatRest, TokenResponse } from '@chat-service/client';

const key = 'chat.session';
const lockName = 'chat.session.renewal';

/** The signed-in user's tokens, kept across reloads of the tab and shared by its other tabs. */
export interface Session extends TokenResponse {
  /** When the access token was received, to tell how much of its life is left. */
  receivedAt?: number;
}

/** The stored session while its access token, or its refresh token, is still good. */
export function loadSession(): Session | null {
  const session = readSession();
  if (!session) return null;
  const now = Date.now();
  const usable = new Date(session.expiresAt).getTime() > now || (session.refreshExpiresAt != null && new Date(session.refreshExpiresAt).getTime() > now);
  return usable ? session : null;
}

export function saveSession(session: Session): void {
  localStorage.setItem(key, JSON.stringify({ ...session, receivedAt: session.receivedAt ?? Date.now() }));
}

export function clearSession(): void {
  localStorage.removeItem(key);
}

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the access token fresh: shortly before it expires (a minute, or a third of its life when it
 * is shorter) it is renewed with the refresh token, one renewal at a time across the user's tabs. A
 * refresh token works once, so a tab first looks whether another tab renewed already and takes
 * that session; two tabs presenting the same refresh token would end the sign-in.
 */
export class SessionKeeper {
  private renewing: Promise<string> | null = null;

  constructor(
    private session: Session,
    private readonly rest: ChatRest,
  ) {}

  get userId(): string {
    return this.session.userId;
  }

  /** A current access token; a refused renewal throws the service's `unauthorized`. */
  accessToken(): Promise<string> | string {
    if (isFresh(this.session)) return this.session.accessToken;
    this.renewing ??= this.renew().finally(() => (this.renewing = null));
    return this.renewing;
  }

  /** Revokes the sign-in on the service (as far as it answers) and forgets it here. */
  async signOut(): Promise<void> {
    const refreshToken = this.session.refreshToken;
    clearSession();
    if (refreshToken) await this.rest.signOut(refreshToken).catch(() => undefined);
  }

  private async renew(): Promise<string> {
    const run = async (): Promise<string> => {
      const stored = readSession();
      if (stored && stored.userId === this.session.userId && stored.refreshToken !== this.session.refreshToken && isFresh(stored)) {
        this.session = stored;
        return stored.accessToken;
      }
      if (!this.session.refreshToken) return this.session.accessToken;
      const renewed: Session = { ...(await this.rest.refresh(this.session.refreshToken)), receivedAt: Date.now() };
      this.session = renewed;
      saveSession(renewed);
      return renewed.accessToken;
    };
    return typeof navigator !== 'undefined' && navigator.locks ? await navigator.locks.request(lockName, run) : await run();
  }
}

function isFresh(session: Session): boolean {
  const expiresAt = new Date(session.expiresAt).getTime();
  const lifetime = expiresAt - (session.receivedAt ?? expiresAt - 180_000);
  const margin = Math.min(60_000, lifetime / 3);
  return Date.now() < expiresAt - margin;
}
