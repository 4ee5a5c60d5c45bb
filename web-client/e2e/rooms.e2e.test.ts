import type { Dialog } from 'playwright-core';
import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { connected, messageText, registerUser, scenarios, send, shot, signIn, wait } from './pages';

// A one-pixel PNG: enough for the browser to decode and lay out.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const room = `team-${Date.now().toString(36)}`;
let server: ChatServer;
let aliceToken: string;
let roomId: string;
let alice: UserBrowser;
let guest: UserBrowser;

describe('rooms, files and moderation in the browser', () => {
  const it = scenarios(async () => {
    // Sixty messages go in at once below: a roomier send limit than the default 30 per 10 s.
    server = new ChatServer(createDatabase(), { RateLimits__MessagesPerWindow: '500' });
    await server.start();
    aliceToken = await registerUser(server.url, 'alice', 'alice-password-1', 'Alice');
    [alice, guest] = await Promise.all([UserBrowser.open(), UserBrowser.open()]);
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), guest?.close()]);
    await server?.kill();
  });

  it('brings a guest into a private room through an invitation link', async () => {
    const a = alice.page;
    await signIn(a, server.url, 'alice', 'alice-password-1');
    await a.locator('#new-room-name').fill(room);
    await a.locator('#new-room-private').check();
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.room-header h2', { hasText: room }).waitFor(wait);
    roomId = (await a.locator('.room-link.active').getAttribute('data-room-id')) ?? '';

    // Accepted as soon as it opens: an open prompt blocks the page, and a click still waiting
    // for the page to settle would wait for it forever.
    const invitation = new Promise<string>((resolve) =>
      a.once('dialog', (prompt: Dialog) => {
        resolve(prompt.defaultValue());
        void prompt.accept();
      }),
    );
    await a.getByRole('button', { name: 'Invite' }).click();
    const link = await invitation;
    expect(link).toMatch(new RegExp(`^${server.url}/#invite=.+`));

    const g = guest.page;
    await g.goto(link);
    await g.locator('#guest-name').fill('Gus');
    await g.getByRole('button', { name: 'Continue as guest' }).click();
    await connected(g);
    await g.locator('.room-header h2', { hasText: room }).waitFor(wait);
    await send(g, 'Hi, thanks for the invite');
    await messageText(a, 'Hi, thanks for the invite').waitFor(wait);
    await shot(g, '11-guest-joined-by-invitation');
  });

  it('shows an image sent by one member inline for the other', async () => {
    await alice.page.locator('#attach-file').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    for (const page of [alice.page, guest.page]) {
      const image = page.locator('img.attachment-image[alt="dot.png"]');
      await image.waitFor(wait);
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), wait).toBe(1);
    }
    await shot(guest.page, '12-guest-sees-image');
  });

  it('shows an edit and a deletion to the other member', async () => {
    const a = alice.page;
    await send(a, 'Meeting at 3');
    await messageText(guest.page, 'Meeting at 3').waitFor(wait);
    const id = await a.locator('.message', { has: a.locator('.message-text', { hasText: 'Meeting at 3' }) }).getAttribute('data-id');
    const mine = a.locator(`.message[data-id="${id}"]`);
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    await mine.getByRole('textbox', { name: 'Edit message' }).fill('Meeting at 4');
    await mine.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    const edited = guest.page.locator('.message', { has: guest.page.locator('.message-text', { hasText: 'Meeting at 4' }) });
    await edited.locator('.message-edited').waitFor(wait);
    expect(await messageText(guest.page, 'Meeting at 3').count()).toBe(0);

    a.once('dialog', (d) => void d.accept());
    await a.locator('.message-text', { hasText: 'Meeting at 4' }).waitFor(wait);
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete message' }).click();
    await guest.page.locator('.message-deleted', { hasText: 'This message was deleted.' }).waitFor(wait);
    expect(await messageText(guest.page, 'Meeting at 4').count()).toBe(0);
  });

  it('pages older history in when the reader scrolls up', async () => {
    for (let i = 1; i <= 60; i++) {
      const response = await fetch(`${server.url}/api/rooms/${roomId}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${aliceToken}` },
        body: JSON.stringify({ roomId, clientMessageId: crypto.randomUUID(), type: 'text', content: `history ${i}.` }),
      });
      expect(response.ok).toBe(true);
    }
    const g = guest.page;
    await g.reload();
    await connected(g);
    await messageText(g, 'history 60.').waitFor(wait);
    expect(await messageText(g, 'history 1.').count()).toBe(0);

    await g.locator('.message-scroller').evaluate((el) => el.scrollTo({ top: 0 }));
    await messageText(g, 'history 1.').waitFor(wait);
    const seqs = await g.locator('.messages > li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('lets the room admin mute a member, whose next message is refused', async () => {
    const a = alice.page;
    await a.getByRole('button', { name: /^Members/ }).click();
    await a.getByRole('button', { name: 'Mute Gus for 10 minutes' }).click();
    await a.locator('.member', { hasText: 'Gus' }).locator('.member-muted').waitFor(wait);
    await shot(a, '13-alice-members-panel');

    const g = guest.page;
    await g.locator('#composer').fill('Can anyone hear me?');
    await g.locator('#composer').press('Enter');
    await g.locator('.toast-error').first().waitFor(wait);
    await expect.poll(() => g.locator('#composer').inputValue(), wait).toBe('Can anyone hear me?');
    expect(await messageText(a, 'Can anyone hear me?').count()).toBe(0);
  });
});
