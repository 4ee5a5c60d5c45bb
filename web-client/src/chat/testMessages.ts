import type { MessageDto } from './types';

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
    ...overrides,
  };
}
