/** Error codes of PROTOCOL.md, shared by hub failures and REST problems. */
export const errorCodes = [
  'unauthorized',
  'forbidden',
  'not_found',
  'invalid',
  'rate_limited',
  'muted',
  'banned',
  'too_large',
  'conflict',
  'limit',
  'gone',
  'unavailable',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** A failure the service reported, with its protocol code (`unknown` when it gave none). */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode | 'unknown',
    message: string,
    readonly retryAfterMs?: number,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

function isErrorCode(value: string): value is ErrorCode {
  return (errorCodes as readonly string[]).includes(value);
}

/**
 * Reads a hub failure. SignalR wraps the server's HubException text as
 * "An unexpected error occurred invoking 'X' on the server. HubException: code: detail".
 */
export function parseHubError(raw: string): ChatError {
  const text = raw.includes('HubException: ') ? raw.slice(raw.lastIndexOf('HubException: ') + 14) : raw;
  const match = /^([a-z_]+):\s*(.*)$/s.exec(text.trim());
  if (!match || !isErrorCode(match[1])) return new ChatError('unknown', text.trim());
  const retry = /retryAfterMs=(\d+)/.exec(match[2]);
  return new ChatError(match[1], match[2], retry ? Number(retry[1]) : undefined);
}

interface ProblemBody {
  code?: string;
  title?: string;
  detail?: string;
  errors?: Record<string, string[]>;
}

/** Reads an RFC 7807 problem answer (or whatever else a failed response carried). */
export function parseProblem(status: number, body: unknown, retryAfter?: string | null): ChatError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const code = problem.code && isErrorCode(problem.code) ? problem.code : fallbackCode(status);
  const fieldMessages = problem.errors ? Object.values(problem.errors).flat() : [];
  const message = fieldMessages[0] ?? problem.detail ?? problem.title ?? `request failed with status ${status}`;
  const retrySeconds = retryAfter ? Number(retryAfter) : NaN;
  return new ChatError(code, message, Number.isFinite(retrySeconds) ? retrySeconds * 1000 : undefined, problem.errors);
}

function fallbackCode(status: number): ErrorCode | 'unknown' {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 410:
      return 'gone';
    case 413:
      return 'too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'unknown';
  }
}
