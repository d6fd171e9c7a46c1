/** One HTTP request of a load loop. Times are performance.now() milliseconds; status 0 means no response (error or timeout). */
export interface LoadSample<D = undefined> {
  status: number;
  startedAt: number;
  endedAt: number;
  ms: number;
  /** Error name when there was no response (e.g. TimeoutError, TypeError for a refused connection). */
  error?: string;
  /** What `inspect` extracted from the body. */
  detail?: D;
}

export interface LoadOptions<D> {
  /** Concurrent workers, each sending one request after the other. */
  workers?: number;
  /** Per-request timeout (AbortSignal.timeout). */
  requestTimeoutMs?: number;
  /** The loop stops by itself after this long, stopped or not. */
  maxDurationMs?: number;
  /** Reads what a case needs from a body (kept in `detail`); the body is read and dropped otherwise. */
  inspect?: (status: number, body: string) => D;
}

export interface LoadLoop<D = undefined> {
  /** Every finished request so far, in the order they ended. */
  readonly samples: LoadSample<D>[];
  /** Asks the workers to stop and waits for their last requests. */
  stop(): Promise<LoadSample<D>[]>;
}

/** The clock of load samples; use it to timestamp the faults a case injects. */
export const now = (): number => performance.now();

/** A fixed-duration load phase: lets the load run for `ms` (never a wait for a message). */
export const loadFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * N workers sending `GET url` in a loop until stopped (or `maxDurationMs`), recording the status,
 * latency and end time of each request.
 */
export function startLoad<D = undefined>(url: string, options: LoadOptions<D> = {}): LoadLoop<D> {
  const { workers = 8, requestTimeoutMs = 5000, maxDurationMs = 30_000, inspect } = options;
  const samples: LoadSample<D>[] = [];
  const deadline = now() + maxDurationMs;
  let stopped = false;

  const worker = async () => {
    while (!stopped && now() < deadline) {
      const startedAt = now();
      const sample: LoadSample<D> = { status: 0, startedAt, endedAt: startedAt, ms: 0 };
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
        const body = await response.text();
        sample.status = response.status;
        if (inspect) sample.detail = inspect(response.status, body);
      } catch (err) {
        sample.error = err instanceof Error ? err.name : String(err);
      }
      sample.endedAt = now();
      sample.ms = sample.endedAt - startedAt;
      samples.push(sample);
    }
  };
  const running = Promise.all(Array.from({ length: workers }, worker));

  return {
    samples,
    stop: async () => {
      stopped = true;
      await running;
      return samples;
    },
  };
}

/** Requests per status, e.g. "200: 900, 503: 334" ("0" counts requests without a response). */
export function countByStatus(samples: Array<LoadSample<unknown>>): string {
  const counts = new Map<number, number>();
  for (const sample of samples) counts.set(sample.status, (counts.get(sample.status) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

/** Largest latency of the samples, rounded to the millisecond (0 when there is none). */
export function maxLatency(samples: Array<LoadSample<unknown>>): number {
  return Math.round(samples.reduce((max, sample) => Math.max(max, sample.ms), 0));
}

/** One sample in a line, e.g. "503 in 12 ms at +1.24 s" (time since `origin`), for assertion messages. */
export function brief(sample: LoadSample<unknown>, origin = 0): string {
  const at = ((sample.startedAt - origin) / 1000).toFixed(2);
  return `${sample.status || sample.error} in ${Math.round(sample.ms)} ms at +${at} s`;
}

/** The first `max` samples of a list as one-liners: keeps a failed assertion readable. */
export function briefs(samples: Array<LoadSample<unknown>>, origin = 0, max = 10): string[] {
  return samples.slice(0, max).map((sample) => brief(sample, origin));
}
