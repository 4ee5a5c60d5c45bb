import { describe, expect, it } from 'vitest';
import { normalizeRoom, normalizeSearchPage, normalizeServerEvent, normalizeThreadPage } from './normalize.js';
import type { MessageDto, RoomDto, ThreadPage } from './types.js';

describe('payload normalization', () => {
  it('gives a message that came as JSON the same Dates as one that came as MessagePack', () => {
    const json = {
      id: 'm-1',
      roomId: 'r',
      seq: 3,
      senderId: 'a',
      senderName: 'A',
      type: 'text',
      content: 'hi',
      reactions: {},
      sentAt: '2026-01-01T12:00:00Z',
      editedAt: null,
      deleted: false,
    } as unknown as MessageDto;
    const fromJson = normalizeServerEvent('MessageReceived', json);
    const fromMessagePack = normalizeServerEvent('MessageReceived', { ...json, sentAt: new Date('2026-01-01T12:00:00Z') });
    expect(fromJson.sentAt).toBeInstanceOf(Date);
    expect(fromJson).toEqual(fromMessagePack);
  });

  it('turns a receipt\'s pointers into numbers and leaves other events as they are', () => {
    const receipt = normalizeServerEvent('ReceiptUpdated', { roomId: 'r', userId: 'u', deliveredSeq: 4, readSeq: 2, readAt: '2026-01-01T00:00:00Z' as unknown as Date });
    expect(receipt.readAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    const typing = { roomId: 'r', userIds: ['u'] };
    expect(normalizeServerEvent('TypingChanged', typing)).toBe(typing);
  });

  it('gives a message without the streaming fields status complete, and a streamed part a numeric index', () => {
    const old = { id: 'm-1', roomId: 'r', seq: 1, senderId: 'a', senderName: 'A', type: 'text', content: 'hi', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false } as unknown as MessageDto;
    expect(normalizeServerEvent('MessageReceived', old)).toMatchObject({ status: 'complete', parts: null, streamIndex: null, error: null });
    const streaming = { ...old, status: 'streaming', streamIndex: 4 } as MessageDto;
    expect(normalizeServerEvent('MessageUpdated', streaming)).toMatchObject({ status: 'streaming', streamIndex: 4 });
    const part = normalizeServerEvent('MessageStreaming', { roomId: 'r', messageId: 'm-1', index: '5' as unknown as number, kind: 'text_delta', text: 'x' });
    expect(part.index).toBe(5);
  });

  it('gives every change of a presence digest a Date, or null, for lastSeenAt', () => {
    const digest = normalizeServerEvent('PresenceDigest', {
      roomId: 'r',
      changes: [
        { userId: 'a', status: 'offline', lastSeenAt: '2026-01-01T12:00:00Z' as unknown as Date },
        { userId: 'b', status: 'online' },
      ],
    });
    expect(digest.changes).toEqual([
      { userId: 'a', status: 'offline', lastSeenAt: new Date('2026-01-01T12:00:00Z') },
      { userId: 'b', status: 'online', lastSeenAt: null },
    ]);
  });

  it('gives a message without the thread, mention and pin fields their defaults', () => {
    const old = { id: 'm-1', roomId: 'r', seq: 1, senderId: 'a', senderName: 'A', type: 'text', content: 'hi', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false } as unknown as MessageDto;
    expect(normalizeServerEvent('MessageReceived', old)).toMatchObject({
      threadRootId: null,
      alsoToRoom: false,
      thread: null,
      mentions: [],
      mentionsRoom: false,
      pinned: false,
    });
  });

  it('gives a thread summary and a thread page the same Dates and numbers whichever protocol carried them', () => {
    const root = {
      id: 'root', roomId: 'r', seq: 1, senderId: 'a', senderName: 'A', type: 'text', content: 'hi', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false,
      thread: { replyCount: 2, lastReplyAt: '2026-01-01T12:05:00Z', latestReplierIds: ['b', 'a'], lastReplySeq: 3 },
    } as unknown as MessageDto;
    const reply = { ...root, id: 'reply', seq: 2, threadRootId: 'root', thread: null } as unknown as MessageDto;
    const json = { root, replies: [reply], hasMore: false, lastReadSeq: 0 } as ThreadPage;
    const packed = {
      root: { ...root, sentAt: new Date('2026-01-01T12:00:00Z'), thread: { replyCount: 2, lastReplyAt: new Date('2026-01-01T12:05:00Z'), latestReplierIds: ['b', 'a'], lastReplySeq: 3 } },
      replies: [{ ...reply, sentAt: new Date('2026-01-01T12:00:00Z') }],
      hasMore: false,
      lastReadSeq: 0,
    } as unknown as ThreadPage;
    const page = normalizeThreadPage(json);
    expect(page.root.thread?.lastReplyAt).toEqual(new Date('2026-01-01T12:05:00Z'));
    expect(page.root.thread?.lastReplySeq).toBe(3);
    expect(page.replies[0].threadRootId).toBe('root');
    expect(page).toEqual(normalizeThreadPage(packed));
  });

  it('gives a pin event a Date and a normalized message', () => {
    const message = { id: 'm-1', roomId: 'r', seq: 1, senderId: 'a', senderName: 'A', type: 'text', content: 'hi', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false, pinned: true } as unknown as MessageDto;
    const pin = normalizeServerEvent('MessagePinned', { roomId: 'r', message, pinnedBy: 'mod', pinnedAt: '2026-01-02T00:00:00Z' as unknown as Date });
    expect(pin.pinnedAt).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(pin.message.sentAt).toBeInstanceOf(Date);
    expect(pin.message.pinned).toBe(true);
  });

  it('gives a room the new counters, zero and false when the service leaves them out', () => {
    const room = { id: 'r', name: 'n', isPrivate: false, createdAt: '2026-01-01T00:00:00Z', settings: {}, memberCount: 1 } as unknown as RoomDto;
    expect(normalizeRoom(room)).toMatchObject({ unreadMentionCount: null, pinnedCount: 0, notificationsMuted: false });
    expect(normalizeRoom({ ...room, unreadMentionCount: 3, pinnedCount: 2, notificationsMuted: true })).toMatchObject({
      unreadMentionCount: 3,
      pinnedCount: 2,
      notificationsMuted: true,
    });
  });

  it('keeps a search hit\'s highlight as it came and normalizes its message', () => {
    const message = { id: 'm-1', roomId: 'r', seq: 1, senderId: 'a', senderName: 'A', type: 'text', content: 'a <b> c', reactions: {}, sentAt: '2026-01-01T12:00:00Z', deleted: false } as unknown as MessageDto;
    const page = normalizeSearchPage({ hits: [{ message, highlight: 'a &lt;b&gt; <mark>c</mark>', rank: 0.5 }], hasMore: true });
    expect(page.hits[0]).toMatchObject({ highlight: 'a &lt;b&gt; <mark>c</mark>', rank: 0.5 });
    expect(page.hits[0].message.sentAt).toBeInstanceOf(Date);
    expect(page.hasMore).toBe(true);
  });
});
