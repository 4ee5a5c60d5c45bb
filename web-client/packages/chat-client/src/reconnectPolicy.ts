import type { IRetryPolicy, RetryContext } from '@microsoft/signalr';

/** Delays of the first attempts; after them, `ceilingMs` with jitter, forever. */
const firstDelaysMs = [0, 1000, 2000, 5000];

/**
 * Reconnect back-off that never gives up: a chat tab left open should come back whenever the
 * service does. Jitter spreads a crowd of clients that lost the same node.
 */
export class ChatReconnectPolicy implements IRetryPolicy {
  constructor(
    private readonly ceilingMs = 15000,
    private readonly random: () => number = Math.random,
  ) {}

  nextRetryDelayInMilliseconds(context: RetryContext): number {
    return reconnectDelay(context.previousRetryCount, this.ceilingMs, this.random);
  }
}

/** The wait before attempt `attempt` (0-based). */
export function reconnectDelay(attempt: number, ceilingMs: number, random: () => number): number {
  const base = attempt < firstDelaysMs.length ? firstDelaysMs[attempt] : ceilingMs;
  if (base === 0) return 0;
  // ±20 % so that clients of one failed node do not return in lockstep.
  const jittered = base * (0.8 + 0.4 * random());
  return Math.min(Math.round(jittered), ceilingMs);
}
