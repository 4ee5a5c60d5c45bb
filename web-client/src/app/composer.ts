import { TypingNotifier } from '../chat';
import { h } from './dom';

export interface ComposerActions {
  send(text: string): Promise<void>;
  attach(file: File): Promise<void>;
  typing(kind: 'start' | 'stop'): void;
}

/** The message box: Enter sends, Shift+Enter adds a line, typing is reported while it has text. */
export function composer(actions: ComposerActions, allowFiles: boolean): HTMLElement {
  const notifier = new TypingNotifier();
  const box = h('textarea', { id: 'composer', rows: 1, placeholder: 'Write a message', 'aria-label': 'Message', maxlength: 4000 });
  const report = (kind: 'start' | 'stop' | null) => kind && actions.typing(kind);

  const submit = async () => {
    const text = box.value.trim();
    if (!text) return;
    report(notifier.stop());
    box.value = '';
    try {
      await actions.send(text);
    } catch {
      // Not lost: the text goes back so the user can try again.
      if (!box.value) box.value = text;
    }
  };

  box.addEventListener('input', () => report(notifier.input(box.value, Date.now())));
  box.addEventListener('blur', () => report(notifier.stop()));
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  });

  const file = h('input', { type: 'file', id: 'attach-file', class: 'visually-hidden' });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (chosen) void actions.attach(chosen);
  });

  return h(
    'form',
    { class: 'composer', onsubmit: (e: Event) => (e.preventDefault(), void submit()) },
    allowFiles ? h('button', { type: 'button', class: 'icon', title: 'Attach a file', 'aria-label': 'Attach a file', onclick: () => file.click() }, '📎') : null,
    allowFiles ? file : null,
    box,
    h('button', { type: 'submit', class: 'primary', 'aria-label': 'Send message' }, 'Send'),
  );
}
