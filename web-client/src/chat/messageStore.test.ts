import { describe, expect, it } from 'vitest';
import { RoomMessageStore } from './messageStore';
import { message } from './testMessages';

const seqs = (store: RoomMessageStore) => store.messages.map((m) => m.seq);

describe('RoomMessageStore', () => {
  it('keeps messages in seq order whatever order they arrive in', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    for (const seq of [4, 2, 5, 3]) store.receive(message(seq));
    expect(seqs(store)).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops a message it already holds, so a live copy and a synced copy show once', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([], 0);
    expect(store.receive(message(1))).toBe('added');
    expect(store.receive(message(1))).toBe('duplicate');
    expect(store.applySync([message(1), message(2)], false)).toBe(1);
    expect(seqs(store)).toEqual([1, 2]);
  });

  it('notices a gap when a live message skips a seq and knows where to sync from', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1), message(2)], 2);
    store.receive(message(5));
    expect(store.hasGap).toBe(true);
    expect(store.syncedThrough).toBe(2);
  });

  it('closes the gap once the missing messages arrive through sync', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(message(4));
    const added = store.applySync([message(2), message(3), message(4)], false);
    expect(added).toBe(2);
    expect(store.hasGap).toBe(false);
    expect(store.syncedThrough).toBe(4);
    expect(seqs(store)).toEqual([1, 2, 3, 4]);
  });

  it('treats seqs it may not see as filled after a complete sync', () => {
    // Seq 2 was a private message between two other members: sync returns nothing for it.
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(message(3));
    store.applySync([message(3)], false);
    expect(store.hasGap).toBe(false);
    expect(store.syncedThrough).toBe(3);
  });

  it('advances only to the last returned seq while sync says there is more', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(message(10));
    store.applySync([message(2), message(3)], true);
    expect(store.syncedThrough).toBe(3);
    expect(store.hasGap).toBe(true);
  });

  it('pages history upward and stops offering more when a page comes back short', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(51), message(52)], 52);
    expect(store.hasOlder).toBe(true);
    expect(store.oldestSeq).toBe(51);
    const page = Array.from({ length: 50 }, (_, i) => message(i + 1));
    expect(store.prependHistory(page, 50)).toBe(50);
    expect(store.messages[0].seq).toBe(1);
    expect(store.hasOlder).toBe(false);
  });

  it('keeps a deleted message in place, emptied', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1), message(2)], 2);
    store.markDeleted('m-1');
    expect(store.messages[0]).toMatchObject({ seq: 1, deleted: true, content: '' });
    expect(seqs(store)).toEqual([1, 2]);
  });

  it('replaces a message with its edited copy but not with an older one', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    const edited = message(1, { content: 'fixed', editedAt: new Date(Date.UTC(2026, 0, 2)) });
    store.update(edited);
    expect(store.get('m-1')?.content).toBe('fixed');
    expect(store.receive(message(1))).toBe('duplicate');
    expect(store.get('m-1')?.content).toBe('fixed');
  });

  it('sets reaction counts from events and removes an emoji at zero', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    const event = { roomId: 'room-1', messageId: 'm-1', emoji: '👍', userId: 'bob' };
    store.applyReaction({ ...event, count: 2, added: true });
    expect(store.get('m-1')?.reactions).toEqual({ '👍': 2 });
    store.applyReaction({ ...event, count: 0, added: false });
    expect(store.get('m-1')?.reactions).toEqual({});
  });
});
