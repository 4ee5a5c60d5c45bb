import { describe, expect, it } from 'vitest';
import { applicationServerKey, sameKey, subscriptionBody } from './push';

describe('push subscriptions', () => {
  it('turns the base64url VAPID key into its bytes', () => {
    // 0xfb 0xff 0xbf: '+/+/' in base64, '-_-_' in base64url; no padding on the wire.
    expect([...applicationServerKey('-_-_')]).toEqual([0xfb, 0xff, 0xbf]);
    expect([...applicationServerKey('AQID')]).toEqual([1, 2, 3]);
    expect([...applicationServerKey('AQ')]).toEqual([1]);
  });

  it('tells whether a subscription was made with the same key', () => {
    expect(sameKey(new Uint8Array([1, 2, 3]).buffer, 'AQID')).toBe(true);
    expect(sameKey(new Uint8Array([1, 2, 4]).buffer, 'AQID')).toBe(false);
    expect(sameKey(null, 'AQID')).toBe(false);
  });

  it('takes the endpoint and keys of a subscription and nothing else', () => {
    expect(subscriptionBody({ endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' }, expirationTime: null } as never)).toEqual({
      endpoint: 'https://push.example/1',
      keys: { p256dh: 'p', auth: 'a' },
    });
    expect(subscriptionBody({ endpoint: 'https://push.example/1', keys: { p256dh: 'p' } })).toBeNull();
  });
});
