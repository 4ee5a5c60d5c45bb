import type { ChatRest } from '@chat-service/client';
import { errorText, h, toast } from './dom';
import { applicationServerKey, sameKey, subscriptionBody } from './push';

/** Which user turned push on in this browser: the subscription belongs to the browser, the opt-in to a user. */
const enabledForKey = 'chat.push.userId';

type PushState = 'off' | 'on' | 'blocked' | 'busy';

/**
 * Web Push for the signed-in user, only ever on their say-so: the button asks for the browser's
 * permission, registers the service worker (`/sw.js`), subscribes with the service's VAPID key and
 * hands the subscription to the service. Nothing shows where the browser cannot push or the service
 * has no push configured (its key answers 404).
 */
export class PushNotifications {
  readonly element = h('div', { class: 'notifications', hidden: true });
  private key: string | null = null;

  constructor(
    private readonly rest: ChatRest,
    private readonly userId: string,
  ) {}

  /** Whether the service and the browser can push: the per-room mute toggle means something then. */
  get available(): boolean {
    return this.key !== null;
  }

  /** Finds out whether push can be offered, and whether this user has it on here; asks the user nothing. */
  async init(): Promise<void> {
    if (!browserCanPush()) return;
    try {
      this.key = await this.rest.pushPublicKey();
    } catch {
      return;
    }
    if (!this.key) return;
    const subscription = await currentSubscription();
    const mine = localStorage.getItem(enabledForKey) === this.userId;
    if (subscription && mine && Notification.permission === 'granted' && sameKey(subscription.options.applicationServerKey, this.key)) {
      // Handed over again: the service drops a subscription its push service refused once.
      const body = subscriptionBody(subscription.toJSON());
      if (body) await this.rest.addPushSubscription(body).catch(() => undefined);
      this.render('on');
    } else {
      this.render(Notification.permission === 'denied' ? 'blocked' : 'off');
    }
  }

  /** Turns push off for this user when they sign out, so the next person here gets none of theirs. */
  async signOut(): Promise<void> {
    if (this.key && localStorage.getItem(enabledForKey) === this.userId) await this.disable().catch(() => undefined);
  }

  private async enable(): Promise<void> {
    const key = this.key;
    if (!key) return;
    this.render('busy');
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        this.render(permission === 'denied' ? 'blocked' : 'off');
        return;
      }
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(key) });
      const body = subscriptionBody(subscription.toJSON());
      if (!body) throw new Error('the browser gave an incomplete push subscription');
      await this.rest.addPushSubscription(body);
      localStorage.setItem(enabledForKey, this.userId);
      this.render('on');
    } catch (e) {
      toast(`Notifications: ${errorText(e)}`);
      this.render('off');
    }
  }

  private async disable(): Promise<void> {
    this.render('busy');
    try {
      const subscription = await currentSubscription();
      if (subscription) {
        await this.rest.removePushSubscription(subscription.endpoint).catch(() => undefined);
        await subscription.unsubscribe();
      }
    } finally {
      localStorage.removeItem(enabledForKey);
      this.render('off');
    }
  }

  private render(state: PushState): void {
    this.element.hidden = false;
    this.element.dataset.state = state;
    if (state === 'on') {
      this.element.replaceChildren(
        h('span', { class: 'muted' }, 'Notifications on'),
        h('button', { type: 'button', class: 'link', onclick: () => void this.disable() }, 'Turn off'),
      );
    } else if (state === 'blocked') {
      this.element.replaceChildren(h('span', { class: 'muted' }, 'Notifications are blocked in this browser’s site settings.'));
    } else {
      this.element.replaceChildren(
        h('button', { type: 'button', id: 'enable-notifications', disabled: state === 'busy', onclick: () => void this.enable() }, '🔔 Enable notifications'),
      );
    }
  }
}

function browserCanPush(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}
