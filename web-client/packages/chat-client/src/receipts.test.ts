import { describe, expect, it } from 'vitest';
import { RoomReceipts } from './receipts.js';
import { message } from './testMessages.js';

const receipt = (userId: string, readSeq: number) => ({ roomId: 'room-1', userId, deliveredSeq: readSeq, readSeq });

describe('RoomReceipts', () => {
  it('shows who has read the sender\'s latest message', () => {
    const receipts = new RoomReceipts();
    receipts.apply(receipt('bob', 2));
    receipts.apply(receipt('carol', 1));
    receipts.apply(receipt('alice', 2));
    const messages = [message(1), message(2)];
    expect(receipts.seenBy(messages, 'alice')).toEqual({ messageId: 'm-2', userIds: ['bob'] });
  });

  it('never moves a read pointer back', () => {
    const receipts = new RoomReceipts();
    receipts.apply(receipt('bob', 5));
    receipts.apply(receipt('bob', 3));
    expect(receipts.get('bob')?.readSeq).toBe(5);
  });

  it('has nothing to show when the user has sent nothing', () => {
    const receipts = new RoomReceipts();
    receipts.apply(receipt('bob', 5));
    expect(receipts.seenBy([message(1, { senderId: 'bob' })], 'alice')).toBeNull();
  });
});
