import { describe, expect, it } from 'vitest';
import { isOutcomeUnknown } from './chatClient.js';
import { ChatError, parseHubError, parseProblem } from './errors.js';
import { reconnectDelay } from './reconnectPolicy.js';
import { TypingNotifier } from './typingNotifier.js';

describe('errors', () => {
  it('reads the code and retry delay out of a wrapped HubException', () => {
    const error = parseHubError(
      "An unexpected error occurred invoking 'SendMessage' on the server. HubException: rate_limited: slow down retryAfterMs=1500",
    );
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(1500);
  });

  it('retries a send only when the service may have stored it: a lost connection or unavailable', () => {
    expect(isOutcomeUnknown(new Error("Cannot send data if the connection is not in the 'Connected' State."))).toBe(true);
    expect(isOutcomeUnknown(new ChatError('unavailable', 'storage is unavailable'))).toBe(true);
    expect(isOutcomeUnknown(new ChatError('muted', 'you are muted'))).toBe(false);
    expect(isOutcomeUnknown(new ChatError('rate_limited', 'slow down', 500))).toBe(false);
  });

  it('keeps an unknown message as it is', () => {
    expect(parseHubError('boom').code).toBe('unknown');
  });

  it('reads a validation problem with its field messages', () => {
    const error = parseProblem(400, { code: 'invalid', title: 'bad', errors: { userName: ['is taken?'] } });
    expect(error.code).toBe('invalid');
    expect(error.message).toBe('is taken?');
  });

  it('falls back on the status when a failure has no problem body', () => {
    const error = parseProblem(429, null, '3');
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3000);
  });
});

describe('reconnect back-off', () => {
  it('retries at once, then waits longer, and never gives up', () => {
    const middle = () => 0.5;
    expect(reconnectDelay(0, 15000, middle)).toBe(0);
    expect(reconnectDelay(1, 15000, middle)).toBe(1000);
    expect(reconnectDelay(3, 15000, middle)).toBe(5000);
    expect(reconnectDelay(500, 15000, middle)).toBe(15000);
  });

  it('spreads clients with jitter but stays under the ceiling', () => {
    expect(reconnectDelay(2, 15000, () => 0)).toBe(1600);
    expect(reconnectDelay(9, 15000, () => 1)).toBe(15000);
  });
});

describe('TypingNotifier', () => {
  it('starts on the first keystroke and repeats only after the interval', () => {
    const typing = new TypingNotifier(2000);
    expect(typing.input('h', 0)).toBe('start');
    expect(typing.input('he', 500)).toBeNull();
    expect(typing.input('hel', 2100)).toBe('start');
  });

  it('stops once when the box is cleared or the message is sent', () => {
    const typing = new TypingNotifier(2000);
    typing.input('hi', 0);
    expect(typing.input('', 100)).toBe('stop');
    expect(typing.stop()).toBeNull();
    typing.input('again', 200);
    expect(typing.stop()).toBe('stop');
  });
});
