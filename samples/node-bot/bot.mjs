// Two users of the chat service in a Node script, written the way an application outside this
// repository uses @chat-service/client: alice and bob register, alice opens a public room, bob
// joins it, and bob hears what alice says there.
//
//   node bot.mjs http://127.0.0.1:5080
//
// Prints `received: <text>` and exits 0 once bob has the message; prints why and exits 1 when
// anything fails or 30 s pass without it.
import { randomBytes } from 'node:crypto';
import { ChatClient, ChatRest, LogLevel } from '@chat-service/client';

const text = 'hello from a node bot';
const baseUrl = process.argv[2];

function fail(reason) {
  console.error(`node bot failed: ${reason}`);
  process.exit(1);
}

/** A new user with a random name, signed in, with a client that is not connected yet. */
async function newUser(name) {
  const rest = new ChatRest({ baseUrl });
  // Random names, so that runs against one service never meet an earlier run's users.
  const userName = `${name}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  await rest.register(userName, password, name);
  const { accessToken } = await rest.signIn(userName, password);
  return new ChatClient({
    baseUrl,
    accessTokenFactory: () => accessToken,
    protocol: 'messagepack',
    // SignalR's own warnings go to stderr; the one line on stdout stays the answer.
    logLevel: LogLevel.Error,
  });
}

async function run() {
  const alice = await newUser('alice');
  const bob = await newUser('bob');
  const room = await alice.rest.createRoom({ name: `node bot ${randomBytes(3).toString('hex')}`, isPrivate: false });

  await Promise.all([alice.start(), bob.start()]);
  await alice.joinRoom(room.id);
  // A public room: joining it over the hub makes bob a member.
  await bob.joinRoom(room.id);

  // Listening before the send: the message may arrive before the send's own ack does.
  const heard = new Promise((resolve) => {
    bob.on('MessageReceived', (message) => {
      if (message.roomId === room.id && message.content === text) resolve(message);
    });
  });
  await alice.sendText(room.id, text);
  const message = await heard;

  console.log(`received: ${message.content}`);
  await Promise.all([alice.stop(), bob.stop()]);
}

if (!baseUrl) fail('no service URL: node bot.mjs <base URL>, such as http://127.0.0.1:5080');
const deadline = setTimeout(() => fail(`bob did not hear "${text}" within 30 s`), 30_000);
run().then(
  () => {
    clearTimeout(deadline);
    process.exit(0);
  },
  (error) => fail(describe(error)),
);

/** An error as one line: a ChatError's protocol code, and what lies under a failed fetch (ECONNREFUSED, …). */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const code = error.code ? ` (${error.code})` : '';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}${code}: ${error.message}${cause}`;
}
