/**
 * A UUID v7 for `clientMessageId`: the first 48 bits are the time in milliseconds, the rest is
 * random. The server keeps an index of every sender's client ids in each room; ids that grow with
 * time are added at the end of the sender's range instead of anywhere in it, which keeps that
 * index compact and its hot pages few. Built by hand because `crypto.randomUUID` makes v4 only
 * (and exists only in secure contexts, which a page served over plain http from a LAN address
 * is not).
 */
export function newClientMessageId(now: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // 48-bit big-endian milliseconds; division, not shifts, as JavaScript shifts are 32-bit.
  let time = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
