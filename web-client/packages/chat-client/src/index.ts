export { ChatClient, isOutcomeUnknown, type ChatClientEvents, type ChatClientOptions, type ConnectionState } from './chatClient.js';
export { ChatError, parseHubError, parseProblem, type ErrorCode } from './errors.js';
export { RoomMessageStore, inMainList, type StoreOutcome } from './messageStore.js';
export { RoomReceipts } from './receipts.js';
export { newClientMessageId } from './ids.js';
export { ChatReconnectPolicy, reconnectDelay } from './reconnectPolicy.js';
export { ChatRest, type RestOptions, type SearchPaging } from './rest.js';
export { applySyncResult, buildSyncRequest } from './syncPlan.js';
export { TypingNotifier } from './typingNotifier.js';
export * from './types.js';
// `ChatClientOptions.logLevel` takes SignalR's levels; passed on so a caller needs no import of its own for them.
export { LogLevel } from '@microsoft/signalr';
