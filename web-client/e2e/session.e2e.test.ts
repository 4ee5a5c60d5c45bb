import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { connected, messageText, registerUser, scenarios, shot, signIn, wait } from './pages';

const room = `session-${Date.now().toString(36)}`;
let server: ChatServer;
let alice: UserBrowser;

const json = { 'Content-Type': 'application/json' };

/** Bob's token, fresh each time: his tokens live ten seconds too. */
async function bobToken(): Promise<string> {
  const response = await fetch(`${server.url}/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ userName: 'bob', password: 'bob-password-1' }) });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function bobSays(roomId: string, content: string): Promise<void> {
  const response = await fetch(`${server.url}/api/rooms/${roomId}/messages`, {
    method: 'POST',
    headers: { ...json, Authorization: `Bearer ${await bobToken()}` },
    body: JSON.stringify({ roomId, clientMessageId: crypto.randomUUID(), type: 'text', content }),
  });
  expect(response.status).toBe(200);
}

describe('a session that outlives its access tokens', () => {
  const it = scenarios(async () => {
    // Access tokens of ten seconds: the page renews several while it stays open, and the hub
    // closes its connection each time one expires.
    server = new ChatServer(createDatabase(), { Jwt__TokenLifetimeSeconds: '10' });
    await server.start();
    await registerUser(server.url, 'alice', 'alice-password-1', 'Alice');
    await registerUser(server.url, 'bob', 'bob-password-1', 'Bob');
    alice = await UserBrowser.open();
  });

  afterAll(async () => {
    await alice?.close();
    await server?.kill();
  });

  it('stays signed in and misses nothing while its tokens expire and renew', async () => {
    const a = alice.page;
    await signIn(a, server.url, 'alice', 'alice-password-1');
    await a.locator('#new-room-name').fill(room);
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.room-header h2', { hasText: room }).waitFor(wait);
    const roomId = (await a.locator('.room-link.active').getAttribute('data-room-id')) ?? '';
    const joined = await fetch(`${server.url}/api/rooms/${roomId}/members`, { method: 'POST', headers: { Authorization: `Bearer ${await bobToken()}` } });
    expect(joined.status).toBe(200);
    const sessionOf = () => a.evaluate(() => JSON.parse(localStorage.getItem('chat.session') ?? '{}') as { accessToken?: string; refreshToken?: string });
    const accessTokens = new Set<string>();
    accessTokens.add((await sessionOf()).accessToken ?? '');

    // About 36 s: three and more access tokens' lives, a message from Bob every three seconds.
    for (let i = 0; i < 12; i++) {
      await bobSays(roomId, `tick ${i}`);
      await new Promise((r) => setTimeout(r, 3000));
      accessTokens.add((await sessionOf()).accessToken ?? '');
    }

    for (let i = 0; i < 12; i++) await a.locator('.message .message-text').getByText(`tick ${i}`, { exact: true }).waitFor(wait);
    expect(await a.locator('.message .message-text', { hasText: /^tick \d+$/ }).count()).toBe(12);
    expect(accessTokens.size).toBeGreaterThanOrEqual(3);
    // Still the chat, not the sign-in form, and connected.
    expect(await a.locator('#signin-user').count()).toBe(0);
    await connected(a);
    // And the page can still act: its REST calls and its hub calls carry a fresh token.
    await a.locator('#composer').fill('still here');
    await a.locator('#composer').press('Enter');
    await messageText(a, 'still here').first().waitFor(wait);
    await shot(a, '30-session-renewed');
  });

  it('signs out: the refresh token stops working', async () => {
    const a = alice.page;
    const { refreshToken } = await a.evaluate(() => JSON.parse(localStorage.getItem('chat.session') ?? '{}') as { refreshToken?: string });
    await a.getByRole('button', { name: 'Sign out' }).click();
    await a.locator('#signin-user').waitFor(wait);

    const refreshed = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: json, body: JSON.stringify({ refreshToken }) });
    expect(refreshed.status).toBe(401);
  });
});
