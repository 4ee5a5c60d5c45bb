import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

type Listener = (event: Record<string, unknown>) => void;

/** Runs public/sw.js in a context of its own with a fake service worker scope, and records what it does. */
function loadWorker(windows: { url: string; focused?: boolean; messages?: unknown[] }[] = []) {
  const listeners = new Map<string, Listener>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const self = {
    location: new URL('https://chat.example/sw.js'),
    registration: {
      scope: 'https://chat.example/',
      showNotification: async (title: string, options: Record<string, unknown>) => void shown.push({ title, options }),
    },
    clients: {
      matchAll: async () =>
        windows.map((w) => ({
          url: w.url,
          focus: async () => void (w.focused = true),
          postMessage: (message: unknown) => void (w.messages ??= []).push(message),
        })),
      openWindow: async (url: string) => void opened.push(url),
    },
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
  };
  const code = readFileSync(new URL('../../public/sw.js', import.meta.url), 'utf8');
  runInNewContext(code, { self, URL });
  /** Fires an event and waits for what it handed to waitUntil. */
  const fire = async (type: string, event: Record<string, unknown>) => {
    let pending: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ ...event, waitUntil: (p: Promise<unknown>) => (pending = p) });
    await pending;
  };
  return { fire, shown, opened };
}

const payload = { roomId: 'r-1', roomName: 'ops', count: 1, kind: 'mention', messageId: 'm-1', senderName: 'Bob', preview: 'can you look, @alice?' };
const push = (data: unknown) => ({ data: { json: () => (typeof data === 'string' ? JSON.parse(data) : data) } });

describe('the service worker', () => {
  it('shows a mention with who, where and the preview, one notification per room', async () => {
    const worker = loadWorker();
    await worker.fire('push', push(payload));
    expect(worker.shown).toEqual([
      {
        title: 'Bob mentioned you in #ops',
        options: { body: 'can you look, @alice?', tag: 'room-r-1', renotify: true, data: { roomId: 'r-1', messageId: 'm-1' } },
      },
    ]);
  });

  it('names a private message and a thread reply, and counts what a coalesced push stands for', async () => {
    const worker = loadWorker();
    await worker.fire('push', push({ ...payload, kind: 'private', count: 3 }));
    await worker.fire('push', push({ ...payload, kind: 'thread' }));
    expect(worker.shown.map((n) => n.title)).toEqual(['Bob sent you a private message in #ops (+2 more)', 'Bob replied in a thread in #ops']);
  });

  it('still shows something for a push it cannot read', async () => {
    const worker = loadWorker();
    await worker.fire('push', push('not json'));
    expect(worker.shown.map((n) => n.title)).toEqual(['New messages']);
  });

  it('brings an open app forward on a click and tells it the room', async () => {
    const windows = [{ url: 'https://chat.example/#invite=x' }] as { url: string; focused?: boolean; messages?: unknown[] }[];
    const worker = loadWorker(windows);
    let closed = false;
    await worker.fire('notificationclick', { notification: { data: { roomId: 'r-1' }, close: () => (closed = true) } });
    expect(closed).toBe(true);
    expect(windows[0]).toMatchObject({ focused: true, messages: [{ type: 'open-room', roomId: 'r-1' }] });
    expect(worker.opened).toEqual([]);
  });

  it('opens the app at the room when no window of it is open', async () => {
    const worker = loadWorker([{ url: 'https://elsewhere.example/' }]);
    await worker.fire('notificationclick', { notification: { data: { roomId: 'r 1' }, close: () => undefined } });
    expect(worker.opened).toEqual(['https://chat.example/#room=r%201']);
  });
});
