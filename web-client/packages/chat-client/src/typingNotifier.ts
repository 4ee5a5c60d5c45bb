/**
 * Decides when the composer tells the hub that the user types. The server forgets a typist 3 s after
 * the last StartTyping, so a keystroke repeats it at most every `repeatMs`; StopTyping goes once when
 * the user sends, clears the box or leaves it. Pure: the caller passes the clock.
 */
export class TypingNotifier {
  private lastStartAt: number | null = null;

  constructor(private readonly repeatMs = 2000) {}

  /** A keystroke with the box's text: what to send, if anything. */
  input(text: string, now: number): 'start' | 'stop' | null {
    if (text.trim() === '') return this.stop();
    if (this.lastStartAt !== null && now - this.lastStartAt < this.repeatMs) return null;
    this.lastStartAt = now;
    return 'start';
  }

  /** Sent, blurred or switched rooms: 'stop' only when a start is still standing. */
  stop(): 'stop' | null {
    if (this.lastStartAt === null) return null;
    this.lastStartAt = null;
    return 'stop';
  }
}
