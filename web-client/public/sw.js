// The chat's service worker: it shows the service's Web Push notifications (a mention, a private
// message, a thread reply while the user had no connection open) and opens the room on a click.
// It is served from the site root so that its scope covers the whole app, and it caches nothing.
/* eslint-env serviceworker */
'use strict';

/** The title and options of the notification for a push payload {roomId, roomName, count, kind, messageId, senderName, preview}. */
function notificationFor(payload) {
  const room = `#${payload.roomName || 'chat'}`;
  const sender = payload.senderName || 'Someone';
  const titles = {
    mention: `${sender} mentioned you in ${room}`,
    private: `${sender} sent you a private message in ${room}`,
    thread: `${sender} replied in a thread in ${room}`,
  };
  const more = Number(payload.count) > 1 ? ` (+${Number(payload.count) - 1} more)` : '';
  return {
    title: (titles[payload.kind] || `New messages in ${room}`) + more,
    options: {
      body: payload.preview || '',
      // One notification per room: a newer push replaces the one still shown, and says so again.
      tag: `room-${payload.roomId}`,
      renotify: true,
      data: { roomId: payload.roomId, messageId: payload.messageId },
    },
  };
}

/** Where a click on a notification of this room leads. */
function roomUrl(scope, roomId) {
  return new URL(`#room=${encodeURIComponent(roomId)}`, scope).href;
}

function readPayload(data) {
  try {
    return data ? data.json() : null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event.data);
  // A push must show something (userVisibleOnly); one that cannot be read says only that there is news.
  const { title, options } = payload && payload.roomId ? notificationFor(payload) : { title: 'New messages', options: {} };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const roomId = event.notification.data && event.notification.data.roomId;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        // The app is open already: bring it forward and let it switch rooms without a reload.
        await open.focus();
        if (roomId) open.postMessage({ type: 'open-room', roomId });
        return;
      }
      await self.clients.openWindow(roomId ? roomUrl(self.registration.scope, roomId) : self.registration.scope);
    })(),
  );
});
