import { createECDH } from 'node:crypto';
import { afterAll, describe, expect } from 'vitest';
import { UserBrowser } from './browser';
import { ChatServer } from './chatServer';
import { createDatabase } from './database';
import { registerUser, roomWith, scenarios, shot, signIn, wait } from './pages';

const room = `alerts-${Date.now().toString(36)}`;
let server: ChatServer;
let alice: UserBrowser;

/** A VAPID key pair as the service takes it: the uncompressed P-256 point and the private scalar, base64url. */
function vapidKeys(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: ecdh.getPrivateKey().toString('base64url') };
}

describe('notifications in the browser', () => {
  const it = scenarios(async () => {
    const keys = vapidKeys();
    server = new ChatServer(createDatabase(), { Push__VapidPublicKey: keys.publicKey, Push__VapidPrivateKey: keys.privateKey, Push__Subject: 'mailto:ops@example.com' });
    await server.start();
    const aliceToken = await registerUser(server.url, 'alice', 'alice-password-1', 'Alice');
    await roomWith(server.url, room, aliceToken);
    alice = await UserBrowser.open();
    await signIn(alice.page, server.url, 'alice', 'alice-password-1');
    await alice.page.locator('.room-header h2', { hasText: room }).waitFor(wait);
  });

  afterAll(async () => {
    await alice?.close();
    await server?.kill();
  });

  it('offers notifications without asking, and mutes a room\'s notifications for good', async () => {
    const a = alice.page;
    await a.locator('#enable-notifications').waitFor(wait);
    expect(await a.evaluate(() => Notification.permission)).toBe('default');
    expect(await a.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);

    await a.getByRole('button', { name: 'Mute notifications' }).click();
    await a.locator('.mute-notifications[aria-pressed="true"]').waitFor(wait);
    await a.reload();
    await a.locator('.mute-notifications[aria-pressed="true"]', { hasText: 'Notifications muted' }).waitFor(wait);
    await shot(a, '60-alice-room-muted');
  });

  it('registers the service worker when asked, which shows a push and names its room', async () => {
    const a = alice.page;
    await alice.context.grantPermissions(['notifications'], { origin: server.url });
    const cdp = await alice.context.newCDPSession(a);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');

    await a.locator('#enable-notifications').click();
    // Headless Chromium has no push service to subscribe with; the worker is registered before that step.
    await expect.poll(() => a.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.state ?? ''), wait).toBe('activated');
    const registration = registrations.find((r) => r.scopeURL === `${server.url}/`);
    expect(registration).toBeDefined();

    const payload = { roomId: 'r-1', roomName: room, count: 2, kind: 'mention', messageId: 'm-1', senderName: 'Bob', preview: '@alice the build is red' };
    // Delivered again until it shows: a worker only just activated may miss the first. The room's tag
    // makes a repeat replace the notification, so one stays whatever the number of tries.
    const deliverAndRead = async () => {
      await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: registration!.registrationId, data: JSON.stringify(payload) });
      await new Promise((done) => setTimeout(done, 250));
      return a.evaluate(async () => {
        const notifications = await (await navigator.serviceWorker.getRegistration('/'))!.getNotifications();
        return notifications.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      });
    };
    await expect.poll(deliverAndRead, { ...wait, interval: 500 }).toEqual([{ title: `Bob mentioned you in #${room} (+1 more)`, body: '@alice the build is red', tag: 'room-r-1' }]);
  });
});
