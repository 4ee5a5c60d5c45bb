import { isOutcomeUnknown, newClientMessageId } from '@chat-service/client';
import { errorText, toast } from './dom';
import { pendingItem, type PendingSend } from './pendingItem';

/**
 * This user's messages on their way from one composer (the room's, or a thread's): shown at once,
 * gone when acked. The client retries an unknown outcome by itself; still unknown after that, a
 * message stays as "Not sent" with a Retry that keeps its clientMessageId, so a copy that was
 * stored after all is never stored twice. A refusal removes it and throws, so the composer gives
 * the text back.
 */
export class PendingSends {
  private readonly pending = new Map<string, PendingSend>();

  constructor(
    /** Sends the text under the given clientMessageId, as the same message every time. */
    private readonly deliverText: (text: string, clientMessageId: string) => Promise<unknown>,
    /** Shows the list again; `sending` is true when a message was just added. */
    private readonly changed: (sending: boolean) => void,
  ) {}

  /** The list items of the messages on their way, oldest first. */
  items(): HTMLElement[] {
    return [...this.pending.values()].map((p) => pendingItem(p, () => void this.deliver(p).catch(() => undefined)));
  }

  send(text: string): Promise<void> {
    return this.deliver({ clientMessageId: newClientMessageId(), text, failed: false });
  }

  private async deliver(pending: PendingSend): Promise<void> {
    pending.failed = false;
    this.pending.set(pending.clientMessageId, pending);
    this.changed(true);
    try {
      await this.deliverText(pending.text, pending.clientMessageId);
      this.pending.delete(pending.clientMessageId);
    } catch (e) {
      if (isOutcomeUnknown(e)) {
        pending.failed = true;
        return;
      }
      this.pending.delete(pending.clientMessageId);
      toast(errorText(e));
      throw e;
    } finally {
      this.changed(false);
    }
  }
}
