// The peer the chat service is measured against: a stock Socket.IO server doing what the bare
// SignalR hub does (Chat.Bench/Baseline/BareChatHub.cs) and nothing more: join a room, stamp a
// message with the room's next seq, send it to the room except the sender, acknowledge it. No
// auth, no storage. It runs as Socket.IO recommends: WebSocket only, the MessagePack parser, and
// for several processes the Redis adapter.
//
//   node server.mjs --urls http://127.0.0.1:PORT [--redis HOST:PORT --redis-key PREFIX]
//
// GET /ready answers once it listens (and, with Redis, once the adapter is connected).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import parser from 'socket.io-msgpack-parser';

const { values: options } = parseArgs({
  options: {
    urls: { type: 'string' },
    redis: { type: 'string' },
    'redis-key': { type: 'string', default: 'socket.io' },
  },
});
const address = new URL(options.urls ?? 'http://127.0.0.1:3000');
const noSender = '00000000-0000-0000-0000-000000000000';

let ready = false;
const http = createServer((request, response) => {
  if (request.url === '/ready' && ready) {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ready');
    return;
  }
  response.writeHead(404).end();
});

const io = new Server(http, {
  parser,
  transports: ['websocket'],
  serveClient: false,
  // As long as the bench's own clients and SignalR's keep-alive: a loaded server answers late.
  pingTimeout: 120_000,
});

if (options.redis) {
  const [host, port] = options.redis.split(':');
  const publisher = createClient({ socket: { host, port: Number(port) } });
  const subscriber = publisher.duplicate();
  for (const client of [publisher, subscriber]) {
    client.on('error', (error) => console.error(`redis: ${error.message}`));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  io.adapter(createAdapter(publisher, subscriber, { key: options['redis-key'] }));
}

// Each room's last seq; with several processes each counts its own, like the bare hubs.
const sequences = new Map();

io.on('connection', (socket) => {
  socket.on('join', (roomId, ack) => {
    if (typeof roomId === 'string') {
      socket.join(roomId);
    }
    if (typeof ack === 'function') {
      ack(true);
    }
  });

  socket.on('send', (request, ack) => {
    if (typeof request?.roomId !== 'string' || typeof ack !== 'function') {
      return;
    }
    const seq = (sequences.get(request.roomId) ?? 0) + 1;
    sequences.set(request.roomId, seq);
    const createdAt = new Date().toISOString();
    const message = {
      id: randomUUID(),
      roomId: request.roomId,
      seq,
      senderId: noSender,
      senderName: 'bench',
      type: 'text',
      content: request.content ?? '',
      metadata: request.metadata ?? null,
      reactions: {},
      createdAt,
      deleted: false,
    };
    socket.to(request.roomId).emit('message', message);
    ack({ messageId: message.id, roomId: request.roomId, seq, createdAt, duplicate: false });
  });
});

http.listen(Number(address.port), address.hostname, () => {
  ready = true;
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
