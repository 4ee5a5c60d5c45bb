/** Children of `h`: strings become text nodes, so user data never passes through HTML parsing. */
export type Child = Node | string | null | undefined | false;

type Props = Record<string, string | number | boolean | EventListener | null | undefined>;

/**
 * Builds an element. Props starting with `on` are listeners, `class` sets the class name, other
 * props are attributes (false and null leave them out). There is no innerHTML anywhere.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = String(value);
    else if (key === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
    else if (key === 'checked' && 'checked' in element) (element as HTMLInputElement).checked = Boolean(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** A short-lived message in the corner; errors from the service show their text, not a code. */
export function toast(text: string, kind: 'error' | 'info' = 'error'): void {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const item = h('div', { class: `toast toast-${kind}` }, text);
  region.append(item);
  setTimeout(() => item.remove(), 5000);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
