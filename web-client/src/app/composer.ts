import { TypingNotifier } from '@chat-service/client';
import { h, type Child } from './dom';
import { completeMention, mentionAt, mentionCandidates } from './mentions';

export interface ComposerActions {
  send(text: string): Promise<void>;
  attach(file: File): Promise<void>;
  typing(kind: 'start' | 'stop'): void;
  /** The userNames `@` completes (the room's bots); asked as the user types, so it stays current. */
  mentionable?(): string[];
}

/** Where a composer other than the room's own differs: a thread's has its own id, words and a checkbox. */
export interface ComposerOptions {
  id?: string;
  label?: string;
  placeholder?: string;
  /** Shown between the box and the Send button. */
  extra?: Child;
}

/** The message box: Enter sends, Shift+Enter adds a line, typing is reported while it has text. */
export function composer(actions: ComposerActions, allowFiles: boolean, options: ComposerOptions = {}): HTMLElement {
  const notifier = new TypingNotifier();
  const box = h('textarea', {
    id: options.id ?? 'composer',
    rows: 1,
    placeholder: options.placeholder ?? 'Write a message',
    'aria-label': options.label ?? 'Message',
    maxlength: 4000,
  });
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

  // Suggestions for the `@name` being typed: Tab or a click takes the first or the chosen one,
  // Escape closes them. Enter still sends, so a finished sentence is never swallowed.
  const suggestions = h('ul', { class: 'mention-suggestions', role: 'listbox', 'aria-label': 'Mention', hidden: true });
  const candidates = () => {
    const mention = mentionAt(box.value, box.selectionStart ?? box.value.length);
    const names = mention && actions.mentionable ? mentionCandidates(actions.mentionable(), mention.query) : [];
    return { mention, names };
  };
  const complete = (name: string) => {
    const { mention } = candidates();
    if (!mention) return;
    const done = completeMention(box.value, box.selectionStart ?? box.value.length, mention, name);
    box.value = done.text;
    box.setSelectionRange(done.caret, done.caret);
    box.focus();
    suggest();
  };
  const suggest = () => {
    const { names } = candidates();
    suggestions.replaceChildren(
      ...names.map((name) =>
        h('li', { role: 'option' }, h('button', { type: 'button', class: 'mention-option', onmousedown: (e: Event) => e.preventDefault(), onclick: () => complete(name) }, `@${name}`)),
      ),
    );
    suggestions.hidden = names.length === 0;
  };

  box.addEventListener('input', () => {
    report(notifier.input(box.value, Date.now()));
    suggest();
  });
  box.addEventListener('blur', () => {
    report(notifier.stop());
    suggestions.hidden = true;
  });
  box.addEventListener('keydown', (e) => {
    if (!suggestions.hidden && (e.key === 'Tab' || e.key === 'Escape')) {
      e.preventDefault();
      const first = candidates().names[0];
      if (e.key === 'Tab' && first) complete(first);
      else suggestions.hidden = true;
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      suggestions.hidden = true;
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
    suggestions,
    box,
    options.extra,
    h('button', { type: 'submit', class: 'primary', 'aria-label': options.label ? `Send ${options.label.toLowerCase()}` : 'Send message' }, 'Send'),
  );
}
