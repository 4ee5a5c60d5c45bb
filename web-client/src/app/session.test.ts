import { beforeEach, describe, expect, it } from 'vitest';
import type { ChatRest, TokenResponse } from '@chat-service/client';
import { SessionKeeper, saveSession, type Session } from './session';

// The keeper's rules without a browser: an in-memory localStorage, and a service that counts refreshes.
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

function tokens(n: number, lifetimeMs: number): TokenResponse {
  return {
    accessToken: `access-${n}`,
    expiresAt: new Date(Date.now() + lifetimeMs).toISOString(),
    userId: 'u1',
    refreshToken: `refresh-${n}`,
    refreshExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  };
}

function service() {
  const presented: string[] = [];
  const rest = {
    refresh: async (refreshToken: string) => {
      presented.push(refreshToken);
      await new Promise((r) => setTimeout(r, 10));
      return tokens(presented.length + 1, 600_000);
    },
    signOut: async () => undefined,
  } as unknown as ChatRest;
  return { rest, presented };
}

describe('SessionKeeper', () => {
  beforeEach(() => {
    (globalThis as { localStorage?: unknown }).localStorage = new MemoryStorage();
  });

  it('hands out the access token while it has life left, without asking the service', async () => {
    const { rest, presented } = service();
    const keeper = new SessionKeeper({ ...tokens(1, 600_000), receivedAt: Date.now() }, rest);

    expect(await keeper.accessToken()).toBe('access-1');
    expect(presented).toEqual([]);
  });

  it('renews an access token about to expire once, however many ask at the same time, and keeps the new pair', async () => {
    const { rest, presented } = service();
    const keeper = new SessionKeeper({ ...tokens(1, 5_000), receivedAt: Date.now() - 595_000 }, rest);

    const answers = await Promise.all([keeper.accessToken(), keeper.accessToken(), keeper.accessToken()]);

    expect(answers).toEqual(['access-2', 'access-2', 'access-2']);
    expect(presented).toEqual(['refresh-1']);
    expect(JSON.parse(localStorage.getItem('chat.session')!).refreshToken).toBe('refresh-2');
    expect(await keeper.accessToken()).toBe('access-2');
  });

  it('takes the session another tab renewed instead of presenting the same refresh token again', async () => {
    const { rest, presented } = service();
    const keeper = new SessionKeeper({ ...tokens(1, 5_000), receivedAt: Date.now() - 595_000 }, rest);
    const otherTab: Session = { ...tokens(7, 600_000), receivedAt: Date.now() };
    saveSession(otherTab);

    expect(await keeper.accessToken()).toBe('access-7');
    expect(presented).toEqual([]);
  });

  it('renews a short-lived token once a third of its life is left', async () => {
    const { rest, presented } = service();
    const fresh = new SessionKeeper({ ...tokens(1, 7_000), receivedAt: Date.now() - 3_000 }, rest);
    const due = new SessionKeeper({ ...tokens(1, 3_000), receivedAt: Date.now() - 7_000 }, rest);

    expect(await fresh.accessToken()).toBe('access-1');
    expect(await due.accessToken()).toBe('access-2');
    expect(presented).toEqual(['refresh-1']);
  });
});
