import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatRest } from './rest.js';

// The compiler refuses the DOM (no DOM lib in tsconfig.json), but the types it is given for fetch
// (@types/node) also declare Node's own APIs, which a browser lacks: this catches those.
const platformOnly = [
  /\b(?:window|document|localStorage|sessionStorage|navigator|process|Buffer|require|__dirname)\s*[.([]/,
  /\bfrom\s+['"]node:/,
  /\bimport\(\s*['"]node:/,
];

function shippedSources(): { file: string; code: string[] }[] {
  const folder = new URL('.', import.meta.url);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'testMessages.ts')
    .map((file) => ({
      file,
      // Comments may name either platform; only code has to run on both.
      code: readFileSync(new URL(file, folder), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(?:\/\/|\/\*|\*)/.test(line)),
    }));
}

describe('a module for browsers and Node alike', () => {
  it('uses nothing that only a browser or only Node has', () => {
    const sources = shippedSources();
    const offending = sources.flatMap(({ file, code }) =>
      code.filter((line) => platformOnly.some((pattern) => pattern.test(line))).map((line) => `${file}: ${line.trim()}`),
    );
    expect(sources.map((s) => s.file)).toContain('chatClient.ts');
    expect(offending).toEqual([]);
  });

  it('refuses to be built without a base URL where there is no page to resolve paths against', () => {
    expect(() => new ChatRest()).toThrow(/baseUrl is required/);
    expect(() => new ChatRest({ baseUrl: 'http://127.0.0.1:5080/' })).not.toThrow();
  });
});
