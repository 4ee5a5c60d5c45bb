import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webClient = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = resolve(webClient, '../Chat.Api/bin/Release/net10.0');
export const resultsDir = resolve(webClient, 'test-results');

/**
 * The real service as a child process: the Release build of Chat.Api on a free loopback port, with its
 * own database and signing key, serving the web client's build. It can be killed and started again on
 * the same port, as a crashed node would be.
 */
export class ChatServer {
  private process: ChildProcess | null = null;
  readonly signingKey = randomBytes(32).toString('base64');
  port = 0;

  /** `settings` are extra configuration values in their environment form (`RateLimits__…`). */
  constructor(
    private readonly connectionString: string,
    private readonly settings: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const dll = resolve(binDir, 'Chat.Api.dll');
    if (!existsSync(dll)) throw new Error(`${dll} is missing: build the service first (dotnet build Chat.sln -c Release)`);
    if (!this.port) this.port = await freePort();
    mkdirSync(resultsDir, { recursive: true });
    const log = createWriteStream(resolve(resultsDir, 'chat-api.log'), { flags: 'a' });
    const child = spawn('dotnet', [dll, '--urls', this.url], {
      cwd: binDir,
      env: {
        ...process.env,
        ConnectionStrings__Chat: this.connectionString,
        Jwt__SigningKey: this.signingKey,
        WebClient__Path: resolve(webClient, 'dist'),
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        // Every test user comes from this one address; the per-address budgets would refuse them.
        RateLimits__Registrations__Permits: '100000',
        RateLimits__Guests__Permits: '100000',
        RateLimits__SignInFailuresPerAddress__Permits: '100000',
        ...this.settings,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.process = child;
    await this.waitUntilReady(child);
  }

  /** Ends the process at once, without a graceful shutdown. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  private async waitUntilReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Chat.Api exited with code ${child.exitCode}; see test-results/chat-api.log`);
      try {
        const response = await fetch(`${this.url}/health/ready`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('Chat.Api was not ready within 60 s; see test-results/chat-api.log');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
