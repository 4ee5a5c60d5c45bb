import type { MessageDto, ReceiptDto } from './types.js';

/** A room's read pointers by user; pointers only move forward, as on the server. */
export class RoomReceipts {
  private readonly byUser = new Map<string, ReceiptDto>();

  apply(receipt: ReceiptDto): void {
    const held = this.byUser.get(receipt.userId);
    if (!held) {
      this.byUser.set(receipt.userId, receipt);
      return;
    }
    this.byUser.set(receipt.userId, {
      ...held,
      deliveredSeq: Math.max(held.deliveredSeq, receipt.deliveredSeq),
      readSeq: Math.max(held.readSeq, receipt.readSeq),
      readAt: receipt.readSeq >= held.readSeq ? (receipt.readAt ?? held.readAt) : held.readAt,
    });
  }

  get(userId: string): ReceiptDto | undefined {
    return this.byUser.get(userId);
  }

  /**
   * "Seen by": the users other than the sender who have read up to the sender's latest message
   * the others could see. Only that one message carries the line, as in most chat apps.
   */
  seenBy(messages: readonly MessageDto[], me: string): { messageId: string; userIds: string[] } | null {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m.senderId !== me || m.deleted) continue;
      const readers = [...this.byUser.values()]
        .filter((r) => r.userId !== me && r.readSeq >= m.seq && (!m.toUserId || m.toUserId === r.userId))
        .map((r) => r.userId);
      return { messageId: m.id, userIds: readers };
    }
    return null;
  }
}
