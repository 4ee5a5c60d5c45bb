import { describe, expect, it } from 'vitest';
import { normalizeServerEvent } from './normalize.js';
import type { MessageDto } from './types.js';

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
});
