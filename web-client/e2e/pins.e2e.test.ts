import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { listed, registerUser, roomWith, scenarios, send, shot, signIn, wait } from './pages';

const room = `desk-${Date.now().toString(36)}`;
let server: ChatServer;
let alice: UserBrowser;
let bob: UserBrowser;

describe('pinned messages in the browser', () => {
  const it = scenarios(async () => {
    server = new ChatServer(createDatabase());
    await server.start();
    const [aliceToken, bobToken] = await Promise.all([
      registerUser(server.url, 'alice', 'alice-password-1', 'Alice'),
      registerUser(server.url, 'bob', 'bob-password-1', 'Bob'),
    ]);
    // Alice made the room: she is its admin, Bob a member.
    await roomWith(server.url, room, aliceToken, bobToken);
    [alice, bob] = await Promise.all([UserBrowser.open(), UserBrowser.open()]);
    await Promise.all([signIn(alice.page, server.url, 'alice', 'alice-password-1'), signIn(bob.page, server.url, 'bob', 'bob-password-1')]);
    for (const page of [alice.page, bob.page]) await page.locator('.room-header h2', { hasText: room }).waitFor(wait);
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await server?.kill();
  });

  it('lets an admin pin a message that everyone then sees marked, counted and listed', async () => {
    const a = alice.page;
    const b = bob.page;
    await send(b, 'The wifi password is on the fridge');
    const message = listed(a, 'The wifi password is on the fridge');
    await message.waitFor(wait);
    // A member is offered no pin.
    await listed(b, 'The wifi password is on the fridge').hover();
    expect(await listed(b, 'The wifi password is on the fridge').getByRole('button', { name: 'Pin message', exact: true }).count()).toBe(0);

    await message.hover();
    await message.getByRole('button', { name: 'Pin message', exact: true }).click();
    await listed(b, 'The wifi password is on the fridge').locator('.message-pinned').waitFor(wait);
    await b.getByRole('button', { name: '📌 Pinned (1)' }).waitFor(wait);
    await b.getByRole('button', { name: '📌 Pinned (1)' }).click();
    await b.locator('.pins .pin', { hasText: 'The wifi password is on the fridge' }).waitFor(wait);
    expect(await b.locator('.pins .unpin').count()).toBe(0);
    await shot(b, '50-bob-pinned-panel');
  });

  it('takes the pin away for everyone when it is unpinned', async () => {
    const a = alice.page;
    const b = bob.page;
    const message = listed(a, 'The wifi password is on the fridge');
    await message.hover();
    await message.getByRole('button', { name: 'Unpin message' }).click();
    await b.getByRole('button', { name: '📌 Pinned (0)' }).waitFor(wait);
    await b.locator('.pins', { hasText: 'Nothing is pinned yet.' }).waitFor(wait);
    expect(await listed(b, 'The wifi password is on the fridge').locator('.message-pinned').count()).toBe(0);
  });
});
