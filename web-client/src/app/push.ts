import type { PushSubscriptionBody } from '@chat-service/client';

/** The VAPID public key (base64url, as the service gives it) as the bytes `pushManager.subscribe` takes. */
export function applicationServerKey(base64Url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64Url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64Url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a subscription was made with this key (a service whose key changed needs a new one). */
export function sameKey(current: ArrayBuffer | null | undefined, base64Url: string): boolean {
  if (!current) return false;
  const a = new Uint8Array(current);
  const b = applicationServerKey(base64Url);
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The body of `POST /api/users/me/push-subscriptions` from `PushSubscription.toJSON()`; null when it lacks a part. */
export function subscriptionBody(json: { endpoint?: string; keys?: Record<string, string> }): PushSubscriptionBody | null {
  const { endpoint, keys } = json;
  if (!endpoint || !keys?.p256dh || !keys.auth) return null;
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}
