import { describe, expect, it } from 'vitest';
import { RoomMessageStore } from './messageStore.js';
import { applySyncResult, buildSyncRequest } from './syncPlan.js';
import { message, reply } from './testMessages.js';

describe('sync plan', () => {
  it('asks every room for what comes after its last complete seq', () => {
    const a = new RoomMessageStore('a');
    a.reset([message(1, { roomId: 'a' }), message(2, { roomId: 'a', id: 'a2' })], 2);
    const b = new RoomMessageStore('b');
    b.reset([], 0);
    expect(buildSyncRequest([a, b])).toEqual({
      rooms: [
        { roomId: 'a', afterSeq: 2 },
        { roomId: 'b', afterSeq: 0 },
      ],
    });
  });

  it('gives each room its messages and reports rooms that have more', () => {
    const a = new RoomMessageStore('a');
    a.reset([], 0);
    const b = new RoomMessageStore('b');
    b.reset([], 0);
    const stores = new Map([
      ['a', a],
      ['b', b],
    ]);
    const outcome = applySyncResult(stores, {
      rooms: [
        { roomId: 'a', messages: [message(1, { roomId: 'a' })], hasMore: true },
        { roomId: 'b', messages: [message(1, { roomId: 'b' }), message(2, { roomId: 'b' })], hasMore: false },
        { roomId: 'left-meanwhile', messages: [message(1)], hasMore: false },
      ],
    });
    expect(outcome.incomplete).toEqual(['a']);
    expect(Object.fromEntries(outcome.added)).toEqual({ a: 1, b: 2 });
    expect(buildSyncRequest([a]).rooms[0].afterSeq).toBe(1);
  });
});

describe('sync plan with a reply in progress', () => {
  it('asks from just before the earliest reply still streaming, so its stored copy comes back', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1), message(2)], 2);
    store.receive(reply(3));
    store.receive(message(4));
    store.receive(message(5));
    expect(store.syncedThrough).toBe(5);
    expect(buildSyncRequest([store])).toEqual({ rooms: [{ roomId: 'room-1', afterSeq: 2 }] });
  });

  it('continues a hasMore answer from syncedThrough, not from the reply again', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(reply(2));
    store.applySync([reply(2), message(3)], true);
    expect(buildSyncRequest([store], true).rooms[0].afterSeq).toBe(3);
  });

  it('asks after syncedThrough again once the reply has ended', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(reply(2));
    store.receive(message(3));
    store.update(reply(2, { status: 'complete', content: 'done' }));
    expect(buildSyncRequest([store]).rooms[0].afterSeq).toBe(3);
  });
});
