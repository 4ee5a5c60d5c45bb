import { beforeAll, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { resultsDir } from './chatServer';

/** How long a scenario waits for something a user would see. */
export const wait = { timeout: 30_000 };

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: resolve(resultsDir, `${name}.png`), fullPage: true });
}

export function messageText(page: Page, text: string) {
  return page.locator('.message .message-text', { hasText: text });
}

/** Types a message and presses Enter, then waits until the sender's own view shows it. */
export async function send(page: Page, text: string): Promise<void> {
  await page.locator('#composer').fill(text);
  await page.locator('#composer').press('Enter');
  await messageText(page, text).first().waitFor(wait);
}

/** Waits until the page's connection is up (the banner is empty then). */
export async function connected(page: Page): Promise<void> {
  await page.locator('.connection[data-state="connected"]').waitFor({ state: 'attached', timeout: 60_000 });
}

export async function signIn(page: Page, url: string, userName: string, password: string): Promise<void> {
  await page.goto(url);
  await page.locator('#signin-user').fill(userName);
  await page.locator('#signin-password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await connected(page);
}

/** Registers over REST and answers the user's token. */
export async function registerUser(url: string, userName: string, password: string, displayName: string): Promise<string> {
  const json = { 'Content-Type': 'application/json' };
  const registered = await fetch(`${url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ userName, password, displayName }) });
  if (registered.status !== 201) throw new Error(`registering ${userName} answered ${registered.status}`);
  const token = await fetch(`${url}/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ userName, password }) });
  return ((await token.json()) as { accessToken: string }).accessToken;
}

/**
 * Runs a suite's setup once, and returns `it` for its scenarios. A failed setup (no PostgreSQL, no
 * build) fails every scenario with its error: vitest would only mark them skipped after a failing
 * beforeAll, and a missing service must never pass as skipped tests.
 */
export function scenarios(setup: () => Promise<void>): (name: string, body: () => Promise<void>) => void {
  let failure: unknown = null;
  beforeAll(async () => {
    try {
      await setup();
    } catch (error) {
      failure = error;
    }
  });
  return (name, body) =>
    it(name, async () => {
      if (failure) throw failure;
      await body();
    });
}

/** The room's main list (the thread panel's replies are outside it). */
export function mainList(page: Page) {
  return page.locator('.room-main .messages');
}

/** A message of the room's main list by its text. */
export function listed(page: Page, text: string) {
  return mainList(page).locator('.message', { has: page.locator('.message-text', { hasText: text }) });
}

/** The open thread panel. */
export function threadPanel(page: Page) {
  return page.locator('.thread-panel');
}

/** A call to the REST API as the user with `token`; throws on a status other than `expected`. */
export async function api<T = unknown>(url: string, token: string, method: string, path: string, body?: unknown, expected = [200, 201, 204]): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!expected.includes(response.status)) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Creates a public room as one user and lets the others join it; answers its id. */
export async function roomWith(url: string, name: string, ownerToken: string, ...memberTokens: string[]): Promise<string> {
  const room = await api<{ id: string }>(url, ownerToken, 'POST', '/api/rooms', { name, isPrivate: false });
  for (const token of memberTokens) await api(url, token, 'POST', `/api/rooms/${room.id}/members`);
  return room.id;
}
