import { describe, expect, it } from 'vitest';
import { RoomMessageStore } from './messageStore';
import { applySyncResult, buildSyncRequest } from './syncPlan';
import { message } from './testMessages';

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
