/**
 * Fault control for tests (`--faults` or `RTDB_EMULATOR_FAULTS=1`): added latency, stalled
 * writes, refused connections and dropped sockets, set over `GET/PUT/DELETE /.faults`
 * (`transport/fault-control.ts`). Off by
 * default; a disabled instance lets everything through at the cost of one branch.
 *
 * Stalled writes are held in one queue across every front end (WebSocket, long polling, REST,
 * onDisconnect execution) so that, once released, they apply in the order they arrived.
 */
export interface FaultState {
  /** Added to every inbound WebSocket/long-poll message and REST request. */
  readonly latencyMs: number;
  /** Writes are held unapplied and unacknowledged until this is cleared. */
  readonly stallWrites: boolean;
  /** New HTTP requests and WebSocket upgrades (other than `/.faults`) have their socket destroyed. */
  readonly refuseConnections: boolean;
}

export const NO_FAULTS: FaultState = { latencyMs: 0, stallWrites: false, refuseConnections: false };

/** Upper bound for `latencyMs`, so a typo cannot wedge a test run for hours. */
export const MAX_LATENCY_MS = 120_000;

export class FaultRequestError extends Error {}

/**
 * Parses a `PUT /.faults` body: `{latencyMs?, stallWrites?, refuseConnections?, dropSockets?}`.
 * The state it returns replaces the whole current state (omitted fields are off).
 */
export function parseFaultRequest(body: unknown): { state: FaultState; dropSockets: boolean } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FaultRequestError("The body must be a JSON object");
  }
  const known = new Set(["latencyMs", "stallWrites", "refuseConnections", "dropSockets"]);
  const entries = Object.entries(body);
  const unknown = entries.map(([key]) => key).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new FaultRequestError(`Unknown fault: ${unknown.join(", ")}`);
  const fields = new Map<string, unknown>(entries);
  const flag = (name: string): boolean => {
    const value = fields.get(name);
    if (value === undefined) return false;
    if (typeof value !== "boolean") throw new FaultRequestError(`${name} must be a boolean`);
    return value;
  };
  const latency = fields.get("latencyMs") ?? 0;
  if (
    typeof latency !== "number" ||
    !Number.isFinite(latency) ||
    latency < 0 ||
    latency > MAX_LATENCY_MS
  ) {
    throw new FaultRequestError(`latencyMs must be a number from 0 to ${MAX_LATENCY_MS}`);
  }
  return {
    state: {
      latencyMs: latency,
      stallWrites: flag("stallWrites"),
      refuseConnections: flag("refuseConnections"),
    },
    dropSockets: flag("dropSockets"),
  };
}

/**
 * Runs callbacks in arrival order, each no earlier than the latency in force when it arrived. One
 * per connection, so a connection's messages never overtake each other when the latency changes.
 */
export class LatencyQueue {
  private readonly pending: { readonly due: number; readonly run: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly faults: Faults) {}

  push(run: () => void): void {
    const latency = this.faults.state.latencyMs;
    if (latency === 0 && this.pending.length === 0) {
      run();
      return;
    }
    const last = this.pending[this.pending.length - 1];
    this.pending.push({ due: Math.max(Date.now() + latency, last?.due ?? 0), run });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const head = this.pending[0];
    if (head === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.drain();
      },
      Math.max(0, head.due - Date.now()),
    );
  }

  private drain(): void {
    const now = Date.now();
    while (this.pending.length > 0 && (this.pending[0]?.due ?? Infinity) <= now) {
      const next = this.pending.shift();
      try {
        next?.run();
      } catch (error) {
        console.error("rtdb-emulator: delayed message failed", error);
      }
    }
    this.schedule();
  }
}

export class Faults {
  private current: FaultState = NO_FAULTS;
  private readonly held: (() => void)[] = [];

  constructor(readonly enabled: boolean) {}

  get state(): FaultState {
    return this.current;
  }

  /** Writes waiting for `stallWrites` to be cleared. */
  get heldWrites(): number {
    return this.held.length;
  }

  get refusing(): boolean {
    return this.current.refuseConnections;
  }

  /** Replaces the state; clearing `stallWrites` applies the held writes in order, now. */
  set(state: FaultState): void {
    if (!this.enabled) return;
    this.current = state;
    if (!state.stallWrites) this.release();
  }

  /** Applies a write now, or holds it (with everything after it) while writes stall. */
  write(apply: () => void): void {
    if (!this.current.stallWrites && this.held.length === 0) {
      apply();
      return;
    }
    this.held.push(apply);
  }

  /** Runs `handle` after the current latency (REST requests: one request is one message). */
  delay(handle: () => void): void {
    const latency = this.current.latencyMs;
    if (latency === 0) handle();
    else setTimeout(handle, latency);
  }

  private release(): void {
    while (this.held.length > 0 && !this.current.stallWrites) {
      const apply = this.held.shift();
      try {
        apply?.();
      } catch (error) {
        console.error("rtdb-emulator: held write failed", error);
      }
    }
  }
}
