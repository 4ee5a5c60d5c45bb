import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Parses an Npgsql connection string ("Host=…;Port=…;Username=…;Database=…") into its parts. */
export function parseConnectionString(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) parts.set(pair.slice(0, at).trim().toLowerCase(), pair.slice(at + 1).trim());
  }
  return parts;
}

/**
 * Creates an empty database on the PostgreSQL that scripts/test.sh started (CHAT_TEST_POSTGRES) and
 * returns the connection string for it. Chat.Api applies its migrations at start-up.
 */
export function createDatabase(): string {
  const base = process.env.CHAT_TEST_POSTGRES;
  if (!base) {
    throw new Error(
      'CHAT_TEST_POSTGRES is not set: the browser tests need a real PostgreSQL. Run them through scripts/test.sh, ' +
        'or set CHAT_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres".',
    );
  }
  const parts = parseConnectionString(base);
  const name = `chat_web_${Date.now()}_${randomBytes(3).toString('hex')}`;
  execFileSync(
    'psql',
    ['-v', 'ON_ERROR_STOP=1', '-h', parts.get('host') ?? '127.0.0.1', '-p', parts.get('port') ?? '5432', '-U', parts.get('username') ?? 'postgres', '-d', parts.get('database') ?? 'postgres', '-c', `CREATE DATABASE ${name}`],
    { env: { ...process.env, PGPASSWORD: parts.get('password') ?? '' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  parts.set('database', name);
  return [...parts].map(([k, v]) => `${k}=${v}`).join(';');
}
