import { describe, expect, it, vi } from 'vitest';
import { ChatClient } from './chatClient.js';
import { message } from './testMessages.js';
import type { ChatServerEvents, MessageAck } from './types.js';

/**
 * A client whose hub connection is never opened: `invoke` answers from `answers`, and server events
 * are handed to the client as the connection would hand them.
 */
function offlineClient(answers: Record<string, (...args: unknown[]) => unknown>) {
  const client = new ChatClient({ baseUrl: 'http://chat.test', accessTokenFactory: () => 'token' });
  const calls: { method: string; args: unknown[] }[] = [];
  const inner = client as unknown as {
    connection: { invoke: (method: string, ...args: unknown[]) => Promise<unknown> };
    dispatch: <K extends keyof ChatServerEvents>(name: K, payload: ChatServerEvents[K]) => void;
  };
  inner.connection.invoke = vi.fn(async (method: string, ...args: unknown[]) => {
    calls.push({ method, args });
    return answers[method]?.(...args);
  });
  return { client, calls, receive: inner.dispatch.bind(client) };
}

const ack = (seq: number): MessageAck => ({ messageId: `own-${seq}`, roomId: 'room-1', seq, sentAt: new Date(Date.UTC(2026, 0, 1, 13)), duplicate: false });

describe('the client and threads', () => {
  it('asks GetThread with a null afterSeq from the start, and puts the replies in the room\'s store', async () => {
    const reply = message(2, { id: 'r-2', threadRootId: 'm-1' });
    const { client, calls } = offlineClient({ GetThread: () => ({ root: message(1), replies: [reply], hasMore: false, lastReadSeq: 0 }) });
    client.store('room-1').reset([message(1)], 1);
    const page = await client.getThread('room-1', 'm-1');
    expect(calls).toEqual([{ method: 'GetThread', args: ['room-1', 'm-1', null] }]);
    expect(page.replies.map((m) => m.id)).toEqual(['r-2']);
    expect(client.store('room-1').threadReplies('m-1').map((m) => m.id)).toEqual(['r-2']);
    expect(client.store('room-1').messages.map((m) => m.id)).toEqual(['m-1']);
  });

  it('sends a thread reply with its root, keeps it out of the main list, and counts it on the root', async () => {
    const { client, calls } = offlineClient({ SendMessage: () => ack(2) });
    client.store('room-1').reset([message(1)], 1);
    await client.sendText('room-1', 'in the thread', { threadRootId: 'm-1' });
    const sent = calls[0].args[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ roomId: 'room-1', threadRootId: 'm-1', content: 'in the thread' });
    // Undefined would travel as nil in MessagePack, which the service's bool cannot take.
    expect('alsoToRoom' in sent).toBe(false);
    const store = client.store('room-1');
    expect(store.messages.map((m) => m.id)).toEqual(['m-1']);
    expect(store.threadReplies('m-1').map((m) => m.id)).toEqual(['own-2']);
    expect(store.get('m-1')?.thread?.replyCount).toBe(1);
  });

  it('shows a reply sent alsoToRoom in the main list too', async () => {
    const { client } = offlineClient({ SendMessage: () => ack(2) });
    client.store('room-1').reset([message(1)], 1);
    await client.send({ roomId: 'room-1', type: 'text', content: 'both', threadRootId: 'm-1', alsoToRoom: true });
    expect(client.store('room-1').messages.map((m) => m.id)).toEqual(['m-1', 'own-2']);
  });

  it('calls MarkThreadRead, PinMessage and UnpinMessage with the hub\'s argument order', async () => {
    const { client, calls } = offlineClient({});
    await client.markThreadRead('room-1', 'm-1', 7);
    await client.pinMessage('room-1', 'm-1');
    await client.unpinMessage('room-1', 'm-1');
    expect(calls).toEqual([
      { method: 'MarkThreadRead', args: ['room-1', 'm-1', 7] },
      { method: 'PinMessage', args: ['room-1', 'm-1'] },
      { method: 'UnpinMessage', args: ['room-1', 'm-1'] },
    ]);
  });
});

describe('the client and pins', () => {
  it('flags the held message on MessagePinned and MessageUnpinned and tells the view', () => {
    const { client, receive } = offlineClient({});
    client.store('room-1').reset([message(1)], 1);
    const changes: string[] = [];
    client.on('messages', ({ roomId }) => changes.push(roomId));
    const pins: string[] = [];
    client.on('MessagePinned', (pin) => pins.push(pin.message.id));
    receive('MessagePinned', { roomId: 'room-1', message: message(1), pinnedBy: 'mod', pinnedAt: '2026-01-02T00:00:00Z' as unknown as Date });
    expect(client.store('room-1').get('m-1')?.pinned).toBe(true);
    expect(pins).toEqual(['m-1']);
    receive('MessageUnpinned', { roomId: 'room-1', messageId: 'm-1', by: 'mod' });
    expect(client.store('room-1').get('m-1')?.pinned).toBe(false);
    expect(changes).toEqual(['room-1', 'room-1']);
  });
});

describe('the client and thread reads', () => {
  it('passes ThreadReadUpdated on with its seq as a number', () => {
    const { client, receive } = offlineClient({});
    const reads: { rootId: string; lastReadSeq: number }[] = [];
    client.on('ThreadReadUpdated', ({ rootId, lastReadSeq }) => reads.push({ rootId, lastReadSeq }));
    receive('ThreadReadUpdated', { roomId: 'room-1', rootId: 'm-1', lastReadSeq: BigInt(7) as unknown as number });
    expect(reads).toEqual([{ rootId: 'm-1', lastReadSeq: 7 }]);
  });
});
