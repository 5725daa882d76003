/** Events pushed from the service to every connected client (SSE over HTTP, an IPC channel in Electron). */
export type FieldmarkEvent =
  | { type: 'progress'; job: string; done: number; total: number; note?: string }
  | { type: 'changed'; entity: 'campaign' | 'sites' | 'labels' | 'assignments'; ids?: (string | number)[] };

export type EventListener = (event: FieldmarkEvent) => void;

/** A tiny synchronous fan-out; a throwing listener never stops the others. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: FieldmarkEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a broken client must not break the others
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
