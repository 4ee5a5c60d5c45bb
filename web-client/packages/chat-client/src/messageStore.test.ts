import { describe, expect, it } from 'vitest';
import { RoomMessageStore } from './messageStore.js';
import { message, reply, textPart } from './testMessages.js';
import type { MessageDto } from './types.js';

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

function storeWithReply(overrides: Partial<MessageDto> = {}): RoomMessageStore {
  const store = new RoomMessageStore('room-1');
  store.reset([message(1)], 1);
  store.receive(reply(2, overrides));
  return store;
}

describe('streamed replies in the store', () => {
  it('grows the reply part by part, text joining the last text part and tools adding their own', () => {
    const store = storeWithReply();
    expect(store.applyStreaming(textPart(0, 'Let me'))).toBe('applied');
    expect(store.applyStreaming(textPart(1, ' check.'))).toBe('applied');
    store.applyStreaming({ roomId: 'room-1', messageId: 'reply', index: 2, kind: 'tool_call', callId: 'c1', name: 'current_time', arguments: '{}' });
    store.applyStreaming({ roomId: 'room-1', messageId: 'reply', index: 3, kind: 'tool_result', callId: 'c1', result: '12:00', isError: false });
    store.applyStreaming(textPart(4, 'It is noon.'));
    const held = store.get('reply');
    expect(held?.content).toBe('Let me check.It is noon.');
    expect(held?.parts).toEqual([
      { kind: 'text', text: 'Let me check.' },
      { kind: 'tool_call', callId: 'c1', name: 'current_time', arguments: '{}' },
      { kind: 'tool_result', callId: 'c1', result: '12:00', isError: false },
      { kind: 'text', text: 'It is noon.' },
    ]);
    expect(held?.status).toBe('streaming');
  });

  it('applies each index once: a repeated part changes nothing', () => {
    const store = storeWithReply();
    store.applyStreaming(textPart(0, 'one'));
    expect(store.applyStreaming(textPart(0, 'one'))).toBe('ignored');
    store.applyStreaming(textPart(1, ' two'));
    expect(store.applyStreaming(textPart(1, ' two'))).toBe('ignored');
    expect(store.get('reply')?.content).toBe('one two');
  });

  it('skips the parts a stored copy already holds (at or below its streamIndex)', () => {
    // From Sync after a reconnect: parts 0..2 are in the copy.
    const store = storeWithReply({ content: 'one two three', parts: [{ kind: 'text', text: 'one two three' }], streamIndex: 2 });
    expect(store.applyStreaming(textPart(1, ' two'))).toBe('ignored');
    expect(store.applyStreaming(textPart(2, ' three'))).toBe('ignored');
    expect(store.applyStreaming(textPart(3, ' four'))).toBe('applied');
    expect(store.get('reply')?.content).toBe('one two three four');
    expect(store.get('reply')?.parts).toEqual([{ kind: 'text', text: 'one two three four' }]);
  });

  it('holds a part that comes ahead of a missing one, and applies both in order when it comes', () => {
    const store = storeWithReply();
    store.applyStreaming(textPart(0, 'a'));
    expect(store.applyStreaming(textPart(2, 'c'))).toBe('gap');
    expect(store.applyStreaming(textPart(3, 'd'))).toBe('held');
    expect(store.get('reply')?.content).toBe('a');
    expect(store.applyStreaming(textPart(1, 'b'))).toBe('applied');
    expect(store.get('reply')?.content).toBe('abcd');
  });

  it('fills a hole with a stored copy that holds the missing part, then applies the held ones after it', () => {
    const store = storeWithReply();
    store.applyStreaming(textPart(0, 'a'));
    store.applyStreaming(textPart(2, 'c'));
    store.applyStreaming(textPart(3, 'd'));
    store.applySync([reply(2, { content: 'abc', parts: [{ kind: 'text', text: 'abc' }], streamIndex: 2 })], false);
    expect(store.get('reply')?.content).toBe('abcd');
  });

  it('keeps parts that come before their message, for the copy that Sync brings', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    expect(store.applyStreaming(textPart(3, ' four'))).toBe('gap');
    store.applySync([reply(2, { content: 'one two three', parts: [{ kind: 'text', text: 'one two three' }], streamIndex: 2 })], false);
    expect(store.get('reply')?.content).toBe('one two three four');
  });

  it('does not let an older stored copy take back parts applied live', () => {
    const store = storeWithReply();
    store.applyStreaming(textPart(0, 'one'));
    store.applyStreaming(textPart(1, ' two'));
    store.applySync([reply(2, { content: 'one', parts: [{ kind: 'text', text: 'one' }], streamIndex: 0 })], false);
    expect(store.get('reply')?.content).toBe('one two');
  });

  it('ends the reply with MessageUpdated: the final copy replaces it and later parts are ignored', () => {
    const store = storeWithReply();
    store.applyStreaming(textPart(0, 'one'));
    store.applyStreaming(textPart(2, ' three'));
    const final = reply(2, { content: 'one two', parts: [{ kind: 'text', text: 'one two' }], status: 'cancelled', streamIndex: 1 });
    expect(store.update(final)).toBe('replaced');
    expect(store.get('reply')).toEqual(final);
    expect(store.applyStreaming(textPart(1, ' two'))).toBe('ignored');
    expect(store.applyStreaming(textPart(3, ' four'))).toBe('ignored');
    expect(store.get('reply')?.content).toBe('one two');
    // A copy from a Sync that was asked before the end does not bring the stream back.
    store.applySync([reply(2, { content: 'one', streamIndex: 0 })], false);
    expect(store.get('reply')?.status).toBe('cancelled');
  });

  it('shows an error the reply ended with', () => {
    const store = storeWithReply();
    store.update(reply(2, { status: 'error', error: { code: 'unavailable', message: 'The model is unavailable.' } }));
    expect(store.get('reply')?.error).toEqual({ code: 'unavailable', message: 'The model is unavailable.' });
  });

  it('ignores parts of a deleted reply', () => {
    const store = storeWithReply();
    store.markDeleted('reply');
    expect(store.applyStreaming(textPart(0, 'one'))).toBe('ignored');
    expect(store.get('reply')?.content).toBe('');
  });
});

/** A reply in the thread of `m-1`, sent a few seconds after it. */
function threadReply(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return message(seq, { id: `t-${seq}`, threadRootId: 'm-1', senderId: 'bob', senderName: 'Bob', ...overrides });
}

describe('threads in the store', () => {
  it('keeps thread-only replies out of the main list but counts their seqs, so they leave no gap', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(threadReply(2));
    store.receive(message(3));
    expect(seqs(store)).toEqual([1, 3]);
    expect(store.hasGap).toBe(false);
    expect(store.syncedThrough).toBe(3);
    expect(store.threadReplies('m-1').map((m) => m.seq)).toEqual([2]);
  });

  it('shows a reply sent alsoToRoom in the main list and in its thread', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(threadReply(2, { alsoToRoom: true }));
    expect(seqs(store)).toEqual([1, 2]);
    expect(store.threadReplies('m-1').map((m) => m.seq)).toEqual([2]);
  });

  it('keeps Sync\'s thread replies out of the main list too', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.applySync([threadReply(2), message(3), threadReply(4)], false);
    expect(seqs(store)).toEqual([1, 3]);
    expect(store.syncedThrough).toBe(4);
    expect(store.threadReplies('m-1').map((m) => m.seq)).toEqual([2, 4]);
  });

  it('bumps the root\'s summary once per new reply: count, last reply time, latest repliers first', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    store.receive(threadReply(2, { senderId: 'bob' }));
    store.receive(threadReply(2, { senderId: 'bob' }));
    store.receive(threadReply(3, { senderId: 'carol' }));
    store.receive(threadReply(4, { senderId: 'bob' }));
    store.receive(threadReply(5, { senderId: 'dave' }));
    store.receive(threadReply(6, { senderId: 'erin' }));
    expect(store.get('m-1')?.thread).toEqual({
      replyCount: 5,
      lastReplyAt: threadReply(6).sentAt,
      latestReplierIds: ['erin', 'dave', 'bob'],
      lastReplySeq: 6,
    });
  });

  it('does not count again a reply that the root\'s summary already holds', () => {
    // The snapshot's root counts seq 2 already; Sync brings seq 2 (not in the main list) and a new seq 3.
    const root = message(1, { thread: { replyCount: 1, lastReplyAt: threadReply(2).sentAt, latestReplierIds: ['bob'], lastReplySeq: 2 } });
    const store = new RoomMessageStore('room-1');
    store.reset([root], 1);
    store.applySync([threadReply(2), threadReply(3, { senderId: 'carol' })], false);
    expect(store.get('m-1')?.thread).toMatchObject({ replyCount: 2, latestReplierIds: ['carol', 'bob'], lastReplySeq: 3 });
  });

  it('counts a reply sent in the same millisecond as the one the root\'s summary ends with', () => {
    // Two members answered at once: the summary (from the server) counts seq 2; seq 3 carries the
    // same sending time and is new all the same.
    const sameTime = threadReply(2).sentAt;
    const root = message(1, { thread: { replyCount: 1, lastReplyAt: sameTime, latestReplierIds: ['bob'], lastReplySeq: 2 } });
    const store = new RoomMessageStore('room-1');
    store.reset([root], 1);
    store.receive(threadReply(2, { sentAt: sameTime }));
    store.receive(threadReply(3, { senderId: 'carol', sentAt: sameTime }));
    expect(store.get('m-1')?.thread).toMatchObject({ replyCount: 2, latestReplierIds: ['carol', 'bob'], lastReplySeq: 3 });
  });

  it('tells counted replies by time when the server sends no lastReplySeq', () => {
    const root = message(1, { thread: { replyCount: 1, lastReplyAt: threadReply(2).sentAt, latestReplierIds: ['bob'], lastReplySeq: 0 } });
    const store = new RoomMessageStore('room-1');
    store.reset([root], 1);
    store.applySync([threadReply(2), threadReply(3, { senderId: 'carol' })], false);
    expect(store.get('m-1')?.thread).toMatchObject({ replyCount: 2, lastReplySeq: 3 });
  });

  it('leaves the main list alone when a reply\'s root is not held', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(5)], 5);
    store.receive(threadReply(6));
    expect(seqs(store)).toEqual([5]);
    expect(store.get('m-1')).toBeUndefined();
  });

  it('takes a thread page\'s replies and its root\'s copy, but does not add a root it does not hold', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1), message(3)], 3);
    const summary = { replyCount: 1, lastReplyAt: threadReply(2).sentAt, latestReplierIds: ['bob'], lastReplySeq: 2 };
    expect(store.applyThreadPage({ root: message(1, { thread: summary }), replies: [threadReply(2)], hasMore: false, lastReadSeq: 0 })).toBe(1);
    expect(store.get('m-1')?.thread).toEqual(summary);
    expect(store.threadReplies('m-1').map((m) => m.seq)).toEqual([2]);
    expect(seqs(store)).toEqual([1, 3]);
  });

  it('leaves out a thread page\'s root it does not hold, and pages history from the main list\'s oldest message', () => {
    // A thread far above what is loaded (opened from a search hit): adding its root or counting its
    // reply as the oldest message would make paging upward skip what lies between.
    const store = new RoomMessageStore('room-1');
    store.reset([message(60)], 60);
    store.applyThreadPage({ root: message(10, { id: 'root' }), replies: [threadReply(11, { threadRootId: 'root' })], hasMore: false, lastReadSeq: 0 });
    expect(store.get('root')).toBeUndefined();
    expect(seqs(store)).toEqual([60]);
    expect(store.oldestSeq).toBe(60);
    expect(store.newestSeq).toBe(60);
  });
});

describe('pins in the store', () => {
  it('flags a held message pinned and unpinned', () => {
    const store = new RoomMessageStore('room-1');
    store.reset([message(1)], 1);
    expect(store.applyPin('m-1', true)?.pinned).toBe(true);
    expect(store.messages[0].pinned).toBe(true);
    expect(store.applyPin('m-1', false)?.pinned).toBe(false);
    expect(store.applyPin('unknown', true)).toBeUndefined();
  });
});
