import type { ChatRest } from '@chat-service/client';
import { h, errorText } from './dom';
import type { Session } from './session';

/** Register, sign in or continue as a guest; resolves the session through `done`. */
export function authView(rest: ChatRest, done: (session: Session) => void): HTMLElement {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const fail = (e: unknown) => (error.textContent = errorText(e));

  const signInName = h('input', { id: 'signin-user', name: 'userName', autocomplete: 'username', required: true });
  const signInPassword = h('input', { id: 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const signIn = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'signin-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          done(await rest.signIn(signInName.value, signInPassword.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h('h2', { id: 'signin-title' }, 'Sign in'),
    field('User name', signInName),
    field('Password', signInPassword),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );

  const regName = h('input', { id: 'register-user', autocomplete: 'username', required: true, minlength: 3, maxlength: 32 });
  const regDisplay = h('input', { id: 'register-display', autocomplete: 'nickname', required: true });
  const regPassword = h('input', { id: 'register-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const register = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'register-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await rest.register(regName.value, regPassword.value, regDisplay.value);
          done(await rest.signIn(regName.value, regPassword.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h('h2', { id: 'register-title' }, 'Create an account'),
    field('User name', regName),
    field('Display name', regDisplay),
    field('Password (8 or more characters)', regPassword),
    h('button', { type: 'submit', class: 'primary' }, 'Register'),
  );

  const guestName = h('input', { id: 'guest-name', required: true });
  const guest = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'guest-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          done(await rest.guest(guestName.value));
        } catch (err) {
          fail(err);
        }
      },
    },
    h('h2', { id: 'guest-title' }, 'Continue as guest'),
    field('Display name', guestName),
    h('button', { type: 'submit' }, 'Continue as guest'),
  );

  return h('main', { class: 'auth' }, h('h1', {}, 'Chat'), error, h('div', { class: 'auth-forms' }, signIn, register, guest));
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('label', { class: 'field', for: input.id }, h('span', {}, label), input);
}
