import { vi } from 'vitest';

/**
 * A stand-in for the browser's `EventSource` (jsdom has none): tests push `job` and `end` events
 * with `emit`, and break the connection with `fail`. Like the real one, a closed source delivers
 * nothing more.
 */
export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  onerror: ((event: Event) => void) | null = null;

  constructor(url: string | URL) {
    super();
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** Delivers a named event with `data` (objects are sent as JSON, as the cloud does). */
  emit(type: string, data: unknown): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    this.readyState = FakeEventSource.OPEN;
    this.dispatchEvent(new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }

  /** The connection failed (or the route answered JSON instead of a stream). */
  fail(): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    const event = new Event('error');
    this.onerror?.(event);
    this.dispatchEvent(event);
  }

  /** The streams opened so far that are still open. */
  static open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((source) => source.readyState !== FakeEventSource.CLOSED);
  }

  /** Installs the fake as the global `EventSource` (undo with `vi.unstubAllGlobals()`). */
  static install(): void {
    FakeEventSource.instances = [];
    vi.stubGlobal('EventSource', FakeEventSource);
  }
}
