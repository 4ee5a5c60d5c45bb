/** A minimal typed event emitter: `on` returns the function that unsubscribes. */
export class Emitter<Events extends object> {
  private readonly handlers = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        (handler as (p: Events[K]) => void)(payload);
      } catch (error) {
        // One broken listener must not stop the others or the connection's dispatch.
        console.error(`listener for ${String(event)} failed`, error);
      }
    }
  }
}
