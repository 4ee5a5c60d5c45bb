import { ChatRest } from '@chat-service/client';
import { authView } from './authView';
import { ChatApp } from './chatApp';
import { invitationFromHash } from './invitationLink';
import { roomFromHash } from './roomLink';
import { clearSession, loadSession, saveSession, SessionKeeper, type Session } from './session';
import './styles.css';

const root = document.getElementById('app')!;

function showAuth(): void {
  clearSession();
  root.replaceChildren(
    authView(new ChatRest(), (session) => {
      saveSession(session);
      showApp(session);
    }),
  );
}

function showApp(session: Session): void {
  const app = new ChatApp(new SessionKeeper(session, new ChatRest()), showAuth);
  app.mount(root);
  void app.start(invitationFromHash(location.hash), roomFromHash(location.hash));
  window.addEventListener('hashchange', () => {
    const token = invitationFromHash(location.hash);
    if (token) void app.acceptInvitation(token);
    const room = roomFromHash(location.hash);
    if (room) void app.openRoomLink(room);
  });
}

const session = loadSession();
if (session) showApp(session);
else showAuth();
