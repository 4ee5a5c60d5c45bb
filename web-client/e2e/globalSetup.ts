import { execFileSync } from 'node:child_process';

/** The browser scenarios load the production build that Chat.Api serves, so build it first. */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--', '--logLevel', 'warn'], { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname });
}
