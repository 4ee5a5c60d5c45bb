import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { connected, messageText, registerUser, scenarios, send, shot, signIn, wait } from './pages';

const room = `lobby-${Date.now().toString(36)}`;
let server: ChatServer;
let alice: UserBrowser;
let bob: UserBrowser;

describe('two people chatting in the browser', () => {
  const it = scenarios(async () => {
    server = new ChatServer(createDatabase());
    await server.start();
    // Bob has an account already; Alice registers through the page.
    await registerUser(server.url, 'bob', 'bob-password-1', 'Bob');
    [alice, bob] = await Promise.all([UserBrowser.open(), UserBrowser.open()]);
  });

  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close()]);
    await server?.kill();
  });

  it('lets one register and one sign in, and meet in a room found by search', async () => {
    const a = alice.page;
    await a.goto(server.url);
    await a.locator('#register-user').fill('alice');
    await a.locator('#register-display').fill('Alice');
    await a.locator('#register-password').fill('alice-password-1');
    await a.getByRole('button', { name: 'Register' }).click();
    await connected(a);
    await a.locator('#new-room-name').fill(room);
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.locator('.room-header h2', { hasText: room }).waitFor(wait);

    const b = bob.page;
    await signIn(b, server.url, 'bob', 'bob-password-1');
    await b.locator('#room-search').fill(room);
    await b.getByRole('button', { name: 'Search' }).click();
    await b.getByRole('button', { name: `Join ${room}` }).click();
    await b.locator('.room-header h2', { hasText: room }).waitFor(wait);

    await a.getByRole('button', { name: /Members \(2\)/ }).waitFor(wait);
    await shot(a, '01-alice-room');
  });

  it('shows the reader that the writer is typing, then the message', async () => {
    await alice.page.locator('#composer').pressSequentially('Hello Bob', { delay: 40 });
    await bob.page.locator('.typing', { hasText: 'Alice is typing…' }).waitFor(wait);
    await shot(bob.page, '02-bob-sees-typing');
    await alice.page.locator('#composer').press('Enter');
    await messageText(bob.page, 'Hello Bob').waitFor(wait);
    await expect.poll(() => bob.page.locator('.typing').textContent(), wait).toBe('');
    expect(await messageText(bob.page, 'Hello Bob').count()).toBe(1);
    await shot(bob.page, '03-bob-sees-message');
  });

  it('tells the sender that the reader has seen the message', async () => {
    await alice.page.locator('.message-mine .seen-by', { hasText: 'Seen by Bob' }).waitFor(wait);
    await shot(alice.page, '04-alice-seen-by-bob');
  });

  it('shows a reaction to both people', async () => {
    const message = bob.page.locator('.message', { has: bob.page.locator('.message-text', { hasText: 'Hello Bob' }) });
    await message.hover();
    await message.getByRole('button', { name: 'React with 👍' }).click();
    await bob.page.locator('.reaction', { hasText: '👍 1' }).waitFor(wait);
    await alice.page.locator('.message-mine .reaction', { hasText: '👍 1' }).waitFor(wait);
    await shot(alice.page, '05-alice-sees-reaction');
  });

  it('shows markup in a message as plain text and makes only web addresses into links', async () => {
    const text = '<img src=x onerror="document.title=1"> javascript:alert(1) https://example.org/page';
    await send(alice.page, text);
    const received = messageText(bob.page, 'https://example.org/page');
    await received.waitFor(wait);
    expect(await received.textContent()).toBe(text);
    expect(await received.locator('img').count()).toBe(0);
    const links = received.locator('a');
    expect(await links.count()).toBe(1);
    expect(await links.getAttribute('href')).toBe('https://example.org/page');
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('reconnects both after the service restarts and shows a message sent while one was away exactly once', async () => {
    await server.kill();
    await alice.page.locator('.connection', { hasText: 'Reconnecting…' }).waitFor(wait);
    await bob.page.locator('.connection', { hasText: 'Reconnecting…' }).waitFor(wait);
    await shot(bob.page, '06-bob-reconnecting');

    // Bob stays away until Alice has sent: his connection attempts fail as if his network were down.
    await bob.context.route('**/hubs/chat/negotiate**', (route) => route.abort('internetdisconnected'));
    await server.start();
    await connected(alice.page);
    await send(alice.page, 'Sent while Bob was away');

    await bob.context.unroute('**/hubs/chat/negotiate**');
    await connected(bob.page);
    await messageText(bob.page, 'Sent while Bob was away').waitFor(wait);
    await send(bob.page, 'Back again');
    await messageText(alice.page, 'Back again').waitFor(wait);

    expect(await messageText(bob.page, 'Sent while Bob was away').count()).toBe(1);
    expect(await messageText(alice.page, 'Sent while Bob was away').count()).toBe(1);
    const seqs = await bob.page.locator('.messages > li').evaluateAll((items) => items.map((li) => Number(li.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    await shot(bob.page, '07-bob-after-restart');
  });
  it('shows a message sent while the service is down as pending, then sends it once when the service is back', async () => {
    await server.kill();
    await alice.page.locator('.connection', { hasText: 'Reconnecting…' }).waitFor(wait);
    await alice.page.locator('#composer').fill('Sent into the outage');
    await alice.page.locator('#composer').press('Enter');
    await alice.page.locator('.message-pending', { hasText: 'Sent into the outage' }).waitFor(wait);
    await shot(alice.page, '08-alice-pending');

    await server.start();
    await connected(alice.page);
    await messageText(alice.page, 'Sent into the outage').waitFor(wait);
    await messageText(bob.page, 'Sent into the outage').waitFor(wait);

    expect(await alice.page.locator('.message-pending').count()).toBe(0);
    expect(await messageText(alice.page, 'Sent into the outage').count()).toBe(1);
    expect(await messageText(bob.page, 'Sent into the outage').count()).toBe(1);
  });
  it('counts unread messages of a room that is not open, until it is opened', async () => {
    const other = `news-${Date.now().toString(36)}`;
    await alice.page.locator('#new-room-name').fill(other);
    await alice.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alice.page.locator('.room-header h2', { hasText: other }).waitFor(wait);
    const b = bob.page;
    await b.locator('#room-search').fill(other);
    await b.getByRole('button', { name: 'Search' }).click();
    await b.getByRole('button', { name: `Join ${other}` }).click();
    await b.locator('.room-header h2', { hasText: other }).waitFor(wait);
    await b.locator('.room-link', { hasText: `# ${room}` }).click();
    await b.locator('.room-header h2', { hasText: new RegExp(`^${room}$`) }).waitFor(wait);

    await send(alice.page, 'News one');
    await send(alice.page, 'News two');
    const badge = b.locator('.room-link', { hasText: other }).locator('.badge');
    await expect.poll(() => badge.textContent(), wait).toBe('2');
    await shot(b, '09-bob-unread-badge');
    await b.locator('.room-link', { hasText: other }).click();
    await messageText(b, 'News two').waitFor(wait);
    expect(await badge.count()).toBe(0);
  });
});
