import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { api, connected, listed, mainList, messageText, registerUser, roomWith, scenarios, send, shot, signIn, threadPanel, wait } from './pages';

const room = `plans-${Date.now().toString(36)}`;
let server: ChatServer;
let aliceToken: string;
let bobToken: string;
let alice: UserBrowser;
let bob: UserBrowser;

describe('threads and mentions between two people in the browser', () => {
  const it = scenarios(async () => {
    server = new ChatServer(createDatabase());
    await server.start();
    [aliceToken, bobToken] = await Promise.all([
      registerUser(server.url, 'alice', 'alice-password-1', 'Alice'),
      registerUser(server.url, 'bob', 'bob-password-1', 'Bob'),
    ]);
    await roomWith(server.url, room, aliceToken, bobToken);
    [alice, bob] = await Promise.all([UserBrowser.open(), UserBrowser.open()]);
    await Promise.all([signIn(alice.page, server.url, 'alice', 'alice-password-1'), signIn(bob.page, server.url, 'bob', 'bob-password-1')]);
    for (const page of [alice.page, bob.page]) await page.locator('.room-header h2', { hasText: room }).waitFor(wait);
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await server?.kill();
  });

  it('lets one reply in a thread and shows the other the count on the root, while the room\'s list stays clean', async () => {
    const a = alice.page;
    const b = bob.page;
    await send(a, 'Who takes Friday?');
    await send(a, 'Unrelated news');
    const root = listed(b, 'Who takes Friday?');
    await root.waitFor(wait);

    await root.hover();
    await root.getByRole('button', { name: 'Reply in thread' }).click();
    await threadPanel(b).locator('.thread-root .message-text', { hasText: 'Who takes Friday?' }).waitFor(wait);
    await b.locator('#thread-composer').fill('I can do the morning');
    await b.locator('#thread-composer').press('Enter');
    await threadPanel(b).locator('.thread-replies .message-text', { hasText: 'I can do the morning' }).waitFor(wait);

    const aliceRoot = listed(a, 'Who takes Friday?');
    await aliceRoot.locator('.thread-link', { hasText: '1 reply' }).waitFor(wait);
    await listed(b, 'Who takes Friday?').locator('.thread-link', { hasText: '1 reply' }).waitFor(wait);
    await shot(a, '30-alice-sees-reply-count');
    expect(await mainList(a).locator('.message-text', { hasText: 'I can do the morning' }).count()).toBe(0);
    expect(await mainList(b).locator('.message-text', { hasText: 'I can do the morning' }).count()).toBe(0);
    await shot(b, '31-bob-thread-panel');
  });

  it('opens the thread from the count, shows the reply, and sends a reply to the room as well when asked', async () => {
    const a = alice.page;
    const b = bob.page;
    await listed(a, 'Who takes Friday?').locator('.thread-link').click();
    await threadPanel(a).locator('.thread-replies .message-text', { hasText: 'I can do the morning' }).waitFor(wait);

    await a.locator('#thread-also-to-room').check();
    await a.locator('#thread-composer').fill('Morning works, thanks Bob');
    await a.locator('#thread-composer').press('Enter');
    // Bob has the thread open: the reply comes live into it, and into his room's list too.
    await threadPanel(b).locator('.thread-replies .message-text', { hasText: 'Morning works, thanks Bob' }).waitFor(wait);
    await listed(b, 'Morning works, thanks Bob').waitFor(wait);
    await listed(b, 'Morning works, thanks Bob').locator('.thread-origin').waitFor(wait);
    await listed(b, 'Who takes Friday?').locator('.thread-link', { hasText: '2 replies' }).waitFor(wait);
    expect(await threadPanel(b).locator('.thread-replies .message').count()).toBe(2);
    await shot(b, '32-bob-reply-also-in-room');
  });

  it('keeps the thread-only reply out of the room after a reload, with the count from the service', async () => {
    const b = bob.page;
    await b.reload();
    await b.locator('.room-header h2', { hasText: room }).waitFor(wait);
    await listed(b, 'Who takes Friday?').locator('.thread-link', { hasText: '2 replies' }).waitFor(wait);
    await listed(b, 'Morning works, thanks Bob').waitFor(wait);
    expect(await mainList(b).locator('.message-text', { hasText: 'I can do the morning' }).count()).toBe(0);
    // The list is in seq order and skips the thread-only reply's seq without a gap to fill.
    const seqs = await mainList(b).locator('li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));

    await listed(b, 'Who takes Friday?').locator('.thread-link').click();
    await threadPanel(b).locator('.thread-replies .message-text', { hasText: 'I can do the morning' }).waitFor(wait);
    expect(await messageText(b, 'I can do the morning').count()).toBe(1);
    await shot(b, '33-bob-after-reload');
  });

  it('counts a mention of a user in a room they are not in as a badge of its own, and marks the message for them', async () => {
    const b = bob.page;
    const other = `desk-${Date.now().toString(36)}`;
    const otherId = await roomWith(server.url, other, aliceToken, bobToken);
    const post = (content: string) =>
      api(server.url, aliceToken, 'POST', `/api/rooms/${otherId}/messages`, { roomId: otherId, clientMessageId: crypto.randomUUID(), type: 'text', content });
    // Bob's page learns of the room he joined elsewhere from its first message.
    await post('Morning all');
    const link = b.locator('.room-link', { hasText: other });
    await link.waitFor(wait);
    await post('@bob can you check the printer?');
    await post('and the coffee machine');

    const mentionBadge = link.locator('.badge-mention');
    await expect.poll(() => mentionBadge.textContent(), wait).toBe('@1');
    await shot(b, '34-bob-mention-badge');
    await link.click();
    const message = listed(b, 'can you check the printer?');
    await message.waitFor(wait);
    expect(await message.evaluate((li) => li.classList.contains('message-mention'))).toBe(true);
    expect(await message.locator('.mention-me').textContent()).toBe('@bob');
    expect(await listed(b, 'and the coffee machine').evaluate((li) => li.classList.contains('message-mention'))).toBe(false);
    expect(await mentionBadge.count()).toBe(0);
    await shot(b, '35-bob-mentioned');
  });

  it('shows a thread reply sent while the service is down as pending, then sends it once when the service is back', async () => {
    const a = alice.page;
    const reply = 'Sent into the outage, in the thread';
    await listed(a, 'Who takes Friday?').locator('.thread-link').click();
    await threadPanel(a).locator('.thread-root .message-text', { hasText: 'Who takes Friday?' }).waitFor(wait);
    // An earlier scenario sent a reply also to the room from this panel.
    await a.locator('#thread-also-to-room').uncheck();
    await server.kill();
    await a.locator('.connection', { hasText: 'Reconnecting…' }).waitFor(wait);
    await a.locator('#thread-composer').fill(reply);
    await a.locator('#thread-composer').press('Enter');
    await threadPanel(a).locator('.message-pending', { hasText: reply }).waitFor(wait);
    await shot(a, '36-alice-thread-reply-pending');

    await server.start();
    await connected(a);
    await threadPanel(a).locator('.thread-replies .message-text', { hasText: reply }).waitFor(wait);
    expect(await threadPanel(a).locator('.message-pending').count()).toBe(0);
    expect(await threadPanel(a).locator('.thread-replies .message-text', { hasText: reply }).count()).toBe(1);
    expect(await mainList(a).locator('.message-text', { hasText: reply }).count()).toBe(0);
  });
});
