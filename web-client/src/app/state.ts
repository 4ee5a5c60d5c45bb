import { RoomReceipts, type MemberDto, type PresenceStatus, type RoomDto } from '@chat-service/client';

/** What the app knows beyond the message stores the client keeps. */
export class AppState {
  readonly rooms = new Map<string, RoomDto>();
  readonly unread = new Map<string, number>();
  /** roomId → the user's unread mentions there (direct or `@room`). */
  readonly mentions = new Map<string, number>();
  /** roomId → userId → member, filled from snapshots and member events. */
  readonly members = new Map<string, Map<string, MemberDto>>();
  readonly typing = new Map<string, string[]>();
  readonly receipts = new Map<string, RoomReceipts>();
  readonly presence = new Map<string, PresenceStatus>();
  /** userNames (lower case, as stored) of the bots the service runs, from GET /api/bots. */
  readonly bots = new Set<string>();
  currentRoomId: string | null = null;
  /** Whether the service and this browser can push: only then does a room offer to mute notifications. */
  pushAvailable = false;

  roomMembers(roomId: string): Map<string, MemberDto> {
    let members = this.members.get(roomId);
    if (!members) this.members.set(roomId, (members = new Map()));
    return members;
  }

  roomReceipts(roomId: string): RoomReceipts {
    let receipts = this.receipts.get(roomId);
    if (!receipts) this.receipts.set(roomId, (receipts = new RoomReceipts()));
    return receipts;
  }

  /** The userNames of the bots that are members of the room: what `@` completes. */
  roomBots(roomId: string): string[] {
    return [...this.roomMembers(roomId).values()].filter((m) => this.bots.has(m.userName.toLowerCase())).map((m) => m.userName);
  }

  /** The room's members by userName (lower case), to tell which `@name`s name someone. */
  memberByUserName(roomId: string, userName: string): MemberDto | undefined {
    for (const m of this.roomMembers(roomId).values()) if (m.userName.toLowerCase() === userName) return m;
    return undefined;
  }

  displayName(roomId: string, userId: string): string {
    return this.members.get(roomId)?.get(userId)?.displayName ?? 'Someone';
  }

  status(userId: string, fallback: PresenceStatus = 'offline'): PresenceStatus {
    return this.presence.get(userId) ?? fallback;
  }
}
