import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { api, listed, registerUser, roomWith, scenarios, shot, signIn, wait } from './pages';

const room = `reports-${Date.now().toString(36)}`;
let server: ChatServer;
let roomId: string;
let bob: UserBrowser;

describe('message search in the browser', () => {
  const it = scenarios(async () => {
    // Sixty messages go in at once below: a roomier send limit than the default 30 per 10 s.
    server = new ChatServer(createDatabase(), { RateLimits__MessagesPerWindow: '500' });
    await server.start();
    const [aliceToken, bobToken, carolToken] = await Promise.all([
      registerUser(server.url, 'alice', 'alice-password-1', 'Alice'),
      registerUser(server.url, 'bob', 'bob-password-1', 'Bob'),
      registerUser(server.url, 'carol', 'carol-password-1', 'Carol'),
    ]);
    roomId = await roomWith(server.url, room, aliceToken, bobToken, carolToken);
    const carol = await api<{ id: string }>(server.url, carolToken, 'GET', '/api/users/me');
    const post = (content: string, extra: Record<string, unknown> = {}) =>
      api(server.url, aliceToken, 'POST', `/api/rooms/${roomId}/messages`, { roomId, clientMessageId: crypto.randomUUID(), type: 'text', content, ...extra });
    await post('The quarterly <report> is ready & "reviewed"');
    await post('Quarterly numbers for Carol only', { toUserId: carol.id });
    // Enough after it that the room opens without it loaded: a click on the hit has to page up to it.
    for (let i = 1; i <= 60; i++) await post(`filler ${i}`);
    bob = await UserBrowser.open();
    await signIn(bob.page, server.url, 'bob', 'bob-password-1');
    await bob.page.locator('.room-header h2', { hasText: room }).waitFor(wait);
  });

  afterAll(async () => {
    await bob?.close();
    await server?.kill();
  });

  it('finds a message with the match marked and its markup shown as text, and never another\'s private message', async () => {
    const b = bob.page;
    await b.getByRole('button', { name: '🔍 Find messages' }).click();
    await b.locator('#message-search').fill('quarterly');
    const hits = b.locator('.search-hit');
    await expect
      .poll(async () => {
        await b.getByRole('button', { name: 'Find', exact: true }).click();
        await b.locator('.search-hits li').first().waitFor(wait);
        return hits.count();
        // Once a second at most: searching has a budget of its own (30 a minute by default).
      }, { ...wait, interval: 1000 })
      .toBe(1);
    const passage = hits.first().locator('.search-highlight');
    expect((await passage.locator('mark').allTextContents()).map((t) => t.toLowerCase())).toEqual(['quarterly']);
    expect(await passage.textContent()).toBe('The quarterly <report> is ready & "reviewed"');
    expect(await passage.locator('report, b, img').count()).toBe(0);
    expect(await b.locator('.search-hits', { hasText: 'Carol only' }).count()).toBe(0);
    await shot(b, '40-bob-search-hit');

    // Across all of Bob's rooms the same: Carol's private message is hers and Alice's alone.
    await b.locator('#message-search-scope').selectOption('all');
    await b.getByRole('button', { name: 'Find', exact: true }).click();
    await b.locator('.search-hit .search-hit-room', { hasText: `#${room}` }).waitFor(wait);
    expect(await hits.count()).toBe(1);
    expect(await b.locator('.search-hits', { hasText: 'Carol only' }).count()).toBe(0);
  });

  it('opens a hit that is far above the loaded part of the room', async () => {
    const b = bob.page;
    expect(await listed(b, 'The quarterly').count()).toBe(0);
    await b.locator('.search-hit-open').first().click();
    const message = listed(b, 'The quarterly');
    await message.waitFor(wait);
    await expect.poll(() => message.evaluate((li) => li.classList.contains('message-flash')), wait).toBe(true);
    expect(await message.locator('.message-text').textContent()).toBe('The quarterly <report> is ready & "reviewed"');
    await shot(b, '41-bob-jumped-to-hit');
  });
});
