import type { MessageDto, MessageStreamingEvent } from './types.js';

/** A message as the hub would send it, for the store's tests. */
export function message(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: `m-${seq}`,
    roomId: 'room-1',
    seq,
    senderId: 'alice',
    senderName: 'Alice',
    type: 'text',
    content: `message ${seq}`,
    reactions: {},
    sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)),
    editedAt: null,
    deleted: false,
    status: 'complete',
    ...overrides,
  };
}

/** A bot's reply (id `reply`) as MessageReceived announces it: streaming, nothing produced yet. */
export function reply(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return message(seq, { id: 'reply', senderId: 'helper', senderName: 'helper', content: '', status: 'streaming', parts: [], streamIndex: null, replyToId: 'm-1', ...overrides });
}

/** A streamed text part of the reply. */
export function textPart(index: number, text: string): MessageStreamingEvent {
  return { roomId: 'room-1', messageId: 'reply', index, kind: 'text_delta', text };
}
