import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRest } from './rest.js';

interface Call {
  method: string;
  url: string;
  body: unknown;
}

/** Stubs fetch with one answer per call, recording what was asked. */
function answering(...answers: Response[]): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body });
    return answers.shift() ?? new Response(null, { status: 204 });
  });
  return calls;
}

const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
const rest = () => new ChatRest({ baseUrl: 'http://chat.test', accessTokenFactory: () => 'token' });
const message = { id: 'm-1', roomId: 'r 1', seq: 4, senderId: 'a', senderName: 'A', type: 'text', content: 'a <b>', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('REST helpers of threads, search, pins and notifications', () => {
  it('searches one room or all rooms with the query and paging in the URL, and gives Dates back', async () => {
    const calls = answering(json({ hits: [{ message, highlight: 'a &lt;b&gt;', rank: 0.3 }], hasMore: false }), json({ hits: [], hasMore: false }));
    const page = await rest().searchRoomMessages('r 1', '"exact phrase" -word', { limit: 10 });
    await rest().searchMessages('hello', { offset: 20 });
    expect(calls.map((c) => c.url)).toEqual([
      'http://chat.test/api/rooms/r%201/messages/search?q=%22exact+phrase%22+-word&limit=10',
      'http://chat.test/api/messages/search?q=hello&offset=20',
    ]);
    expect(page.hits[0].message.sentAt).toBeInstanceOf(Date);
    expect(page.hits[0].highlight).toBe('a &lt;b&gt;');
  });

  it('reads threads, a thread page after a seq, and pins', async () => {
    const calls = answering(
      json([{ root: message, unreadCount: 2, lastReadSeq: 3 }]),
      json({ root: message, replies: [{ ...message, id: 'm-2', seq: 5, threadRootId: 'm-1' }], hasMore: true, lastReadSeq: 0 }),
      json([{ roomId: 'r 1', message: { ...message, pinned: true }, pinnedBy: 'mod', pinnedAt: '2026-01-02T00:00:00Z' }]),
    );
    const threads = await rest().threads('r 1');
    const page = await rest().thread('r 1', 'm-1', { afterSeq: 4 });
    const pins = await rest().pins('r 1');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET http://chat.test/api/rooms/r%201/threads',
      'GET http://chat.test/api/rooms/r%201/threads/m-1?afterSeq=4',
      'GET http://chat.test/api/rooms/r%201/pins',
    ]);
    expect(threads[0]).toMatchObject({ unreadCount: 2, lastReadSeq: 3 });
    expect(page.replies[0].threadRootId).toBe('m-1');
    expect(pins[0].pinnedAt).toEqual(new Date('2026-01-02T00:00:00Z'));
  });

  it('pins with PUT and unpins with DELETE', async () => {
    const calls = answering(json({ roomId: 'r', message, pinnedBy: 'mod', pinnedAt: '2026-01-02T00:00:00Z' }), new Response(null, { status: 204 }));
    await rest().pin('r', 'm-1');
    await rest().unpin('r', 'm-1');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['PUT http://chat.test/api/rooms/r/pins/m-1', 'DELETE http://chat.test/api/rooms/r/pins/m-1']);
  });

  it('gives the push key, or null when the service has no push (404)', async () => {
    answering(json({ publicKey: 'BKey' }), json({ code: 'not_found', title: 'Not Found' }, 404), json({ code: 'unavailable' }, 503));
    expect(await rest().pushPublicKey()).toBe('BKey');
    expect(await rest().pushPublicKey()).toBeNull();
    await expect(rest().pushPublicKey()).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('posts and deletes a push subscription, and mutes a room\'s notifications', async () => {
    const calls = answering(new Response(null, { status: 201 }), new Response(null, { status: 204 }), new Response(null, { status: 204 }));
    const subscription = { endpoint: 'https://push.example/abc', keys: { p256dh: 'p', auth: 'a' } };
    await rest().addPushSubscription({ ...subscription, expirationTime: null } as typeof subscription);
    await rest().removePushSubscription(subscription.endpoint);
    await rest().setRoomNotifications('r', true);
    expect(calls).toEqual([
      { method: 'POST', url: 'http://chat.test/api/users/me/push-subscriptions', body: subscription },
      { method: 'DELETE', url: 'http://chat.test/api/users/me/push-subscriptions', body: { endpoint: subscription.endpoint } },
      { method: 'PUT', url: 'http://chat.test/api/rooms/r/notifications', body: { muted: true } },
    ]);
  });
});
