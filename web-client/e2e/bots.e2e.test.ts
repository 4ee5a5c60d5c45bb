import type { Page } from 'playwright-core';
import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { registerUser, scenarios, shot, signIn, wait } from './pages';

const room = `bots-${Date.now().toString(36)}`;
let server: ChatServer;
let aliceToken: string;
let alice: UserBrowser;

/** What a reply shows: its status and its text (the cursor is an empty element, so no text of its own). */
interface ReplyView {
  status: string;
  text: string;
}

function readReply(page: Page, messageId: string): Promise<ReplyView> {
  return page.evaluate((id) => {
    const item = document.querySelector<HTMLElement>(`.messages li[data-id="${id}"]`);
    const texts = item ? [...item.querySelectorAll('.reply-body .message-text')].map((t) => t.textContent ?? '') : [];
    return { status: item?.dataset.status ?? '', text: texts.join('') };
  }, messageId);
}

/** Sends `text` from the composer and answers the id of the bot's reply once it shows. */
async function ask(page: Page, text: string): Promise<string> {
  const replies = page.locator('.messages li.message:not(.message-mine)', { has: page.locator('.reply-body') });
  const ids = () => replies.evaluateAll((items) => items.map((li) => li.getAttribute('data-id') ?? ''));
  const known = new Set(await ids());
  await page.locator('#composer').fill(text);
  await page.locator('#composer').press('Enter');
  let replyId = '';
  await expect
    .poll(async () => (replyId = (await ids()).find((id) => !known.has(id)) ?? ''), { ...wait, interval: 50 })
    .not.toBe('');
  return replyId;
}

describe('a bot replying in the browser', () => {
  const it = scenarios(async () => {
    // The scripted bot answers "You said: …" a word every 150 ms: slow enough to watch it grow.
    // (A question with "time" in it gets the current_time tool and the time instead.)
    server = new ChatServer(createDatabase(), {
      Bots__0__UserName: 'helper',
      Bots__0__Provider: 'scripted',
      Bots__0__WordDelayMilliseconds: '150',
    });
    await server.start();
    aliceToken = await registerUser(server.url, 'alice', 'alice-password-1', 'Alice');
    alice = await UserBrowser.open();
  });

  afterAll(async () => {
    await alice?.close();
    await server?.kill();
  });

  it('shows the reply growing as it streams, then complete', async () => {
    const a = alice.page;
    await signIn(a, server.url, 'alice', 'alice-password-1');
    await a.locator('#new-room-name').fill(room);
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.room-header h2', { hasText: room }).waitFor(wait);
    const roomId = (await a.locator('.room-link.active').getAttribute('data-room-id')) ?? '';
    const added = await fetch(`${server.url}/api/rooms/${roomId}/bots`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${aliceToken}` },
      body: JSON.stringify({ userName: 'helper' }),
    });
    expect(added.status).toBe(201);
    await a.getByRole('button', { name: /Members \(2\)/ }).waitFor(wait);

    const sentence = '@helper please repeat this rather long sentence back to me word by word so that everyone can watch it grow';
    const replyId = await ask(a, sentence);

    // Sampled until the reply ends: the text seen while it streams only ever gets longer.
    const lengths: number[] = [];
    const deadline = Date.now() + wait.timeout;
    let view = await readReply(a, replyId);
    while (view.status === 'streaming' && Date.now() < deadline) {
      if (view.text.length > 0 && view.text.length !== lengths[lengths.length - 1]) {
        lengths.push(view.text.length);
        if (lengths.length === 3) await shot(a, '21-reply-streaming');
      }
      await new Promise((r) => setTimeout(r, 40));
      view = await readReply(a, replyId);
    }
    expect(view.status).toBe('complete');
    expect(view.text).toBe(`You said: ${sentence}`);
    expect(lengths.length).toBeGreaterThanOrEqual(2);
    expect(lengths).toEqual([...lengths].sort((x, y) => x - y));
    expect(await a.locator(`.messages li[data-id="${replyId}"] .reply-cursor`).count()).toBe(0);
    expect(await a.locator(`.messages li[data-id="${replyId}"] .stop-reply`).count()).toBe(0);
    await shot(a, '22-reply-complete');
  });

  it('shows a tool call as a chip that gains its result', async () => {
    const a = alice.page;
    const replyId = await ask(a, '@helper what time is it?');
    const reply = a.locator(`.messages li[data-id="${replyId}"]`);
    await reply.locator('.tool-chip', { hasText: '⚙ current_time' }).waitFor(wait);
    await a.locator(`.messages li[data-id="${replyId}"][data-status="complete"]`).waitFor(wait);
    expect(await reply.locator('.tool-chip .tool-chip-result').textContent()).toMatch(/^ → .+/);
    expect((await readReply(a, replyId)).text).toMatch(/^The time is .+\.$/);
    await shot(a, '23-reply-tool-chip');
  });

  it('stops the reply when its asker presses Stop, and marks it stopped', async () => {
    const a = alice.page;
    const sentence = '@helper this one is long too and will be stopped well before the bot has said all of these many words';
    const replyId = await ask(a, sentence);
    await expect.poll(async () => (await readReply(a, replyId)).text.length, wait).toBeGreaterThan(0);
    await a.locator(`.messages li[data-id="${replyId}"] .stop-reply`).click();
    await a.locator(`.messages li[data-id="${replyId}"][data-status="cancelled"] .reply-stopped`, { hasText: 'stopped' }).waitFor(wait);
    const view = await readReply(a, replyId);
    const full = `You said: ${sentence}`;
    expect(view.text.length).toBeLessThan(full.length);
    expect(full.startsWith(view.text)).toBe(true);
    expect(await a.locator(`.messages li[data-id="${replyId}"] .stop-reply`).count()).toBe(0);
    await shot(a, '24-reply-stopped');
  });
});
