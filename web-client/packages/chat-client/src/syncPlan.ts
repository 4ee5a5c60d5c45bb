import type { RoomMessageStore } from './messageStore.js';
import type { SyncRequest, SyncResult } from './types.js';

/**
 * Where each room stands: the request that asks the hub for what was missed. A room with a reply
 * still streaming asks from just before it, so the answer carries its stored copy: the parts the
 * client missed while away, or its end. A round that continues a `hasMore` answer (`continuing`)
 * asks after `syncedThrough` only: the reply came first in the round before, and asking from it
 * again would fetch the same page for ever.
 */
export function buildSyncRequest(stores: Iterable<RoomMessageStore>, continuing = false): SyncRequest {
  const rooms = [];
  for (const store of stores) rooms.push({ roomId: store.roomId, afterSeq: continuing ? store.syncedThrough : store.syncAfterSeq });
  return { rooms };
}

/**
 * Hands each room its part of a Sync answer. Returns the rooms that said `hasMore` (they need another
 * round) and how many messages were new, duplicates of live copies left out.
 */
export function applySyncResult(
  stores: ReadonlyMap<string, RoomMessageStore>,
  result: SyncResult,
): { added: Map<string, number>; incomplete: string[] } {
  const added = new Map<string, number>();
  const incomplete: string[] = [];
  for (const room of result.rooms) {
    const store = stores.get(room.roomId);
    if (!store) continue;
    added.set(room.roomId, store.applySync(room.messages, room.hasMore));
    if (room.hasMore) incomplete.push(room.roomId);
  }
  return { added, incomplete };
}
