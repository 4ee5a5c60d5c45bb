export { ChatClient, type ChatClientEvents, type ChatClientOptions, type ConnectionState } from './chatClient';
export { ChatError, parseHubError, parseProblem, type ErrorCode } from './errors';
export { RoomMessageStore, type StoreOutcome } from './messageStore';
export { RoomReceipts } from './receipts';
export { ChatReconnectPolicy, reconnectDelay } from './reconnectPolicy';
export { ChatRest, type RestOptions } from './rest';
export { applySyncResult, buildSyncRequest } from './syncPlan';
export { TypingNotifier } from './typingNotifier';
export * from './types';
