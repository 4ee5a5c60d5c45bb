import type { MemberDto, MessageDto, ReceiptDto, RoomDto, RoomSnapshot, UserDto } from './types';

/** JSON carries ISO strings and MessagePack carries Dates: callers always get Dates. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function optionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

export function normalizeMessage(m: MessageDto): MessageDto {
  return {
    ...m,
    seq: Number(m.seq),
    reactions: m.reactions ?? {},
    sentAt: toDate(m.sentAt),
    editedAt: optionalDate(m.editedAt),
  };
}

export function normalizeRoom(r: RoomDto): RoomDto {
  return { ...r, createdAt: toDate(r.createdAt), lastMessage: r.lastMessage ? normalizeMessage(r.lastMessage) : null };
}

export function normalizeMember(m: MemberDto): MemberDto {
  return { ...m, joinedAt: toDate(m.joinedAt), mutedUntil: optionalDate(m.mutedUntil) };
}

export function normalizeReceipt(r: ReceiptDto): ReceiptDto {
  return { ...r, deliveredSeq: Number(r.deliveredSeq), readSeq: Number(r.readSeq), readAt: optionalDate(r.readAt) };
}

export function normalizeUser(u: UserDto): UserDto {
  return { ...u, lastSeenAt: optionalDate(u.lastSeenAt) };
}

export function normalizeSnapshot(s: RoomSnapshot): RoomSnapshot {
  return {
    room: normalizeRoom(s.room),
    members: s.members.map(normalizeMember),
    typingUserIds: s.typingUserIds ?? [],
    recent: s.recent.map(normalizeMessage),
    lastSeq: Number(s.lastSeq),
    myReceipt: normalizeReceipt(s.myReceipt),
  };
}
