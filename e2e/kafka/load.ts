// Load with loss accounting, the way Kafka's own system tests prove that no acknowledged message is
// lost: VerifiableProducer writes sequence numbers (acks=all, idempotent) and prints one JSON line
// per acknowledgement or error; VerifiableConsumer (verbose) prints one JSON line per record read.
// An acknowledged value that the consumer never reads, after a drain period, is lost.
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { createInterface } from "node:readline";
import { toolArgv, type ToolArgvOptions } from "./tools.js";

/** Runs argv in the client namespace; stdout and stderr must be pipes. Supplied by the runner. */
export type Spawn = (argv: string[], opts?: { stdio?: SpawnOptions["stdio"] }) => ChildProcess;

export interface LoadOptions {
  /** Bootstrap address as clients in the cluster use it, e.g. `kafka-bootstrap.kafka-dev.svc:9092`. */
  bootstrap: string;
  /** An existing topic (create it first, RF=min(3, brokers)). */
  topic: string;
  /** Messages per second, approximately (default 50). */
  throughput?: number;
  /** The producer stops by itself after this many (default: 10 minutes' worth at `throughput`). */
  maxMessages?: number;
  /** Distinct keys, so records spread over every partition (default 64). */
  keys?: number;
  /** Consumer group (default `e2e-load-<runId>`, a fresh group that reads the topic from its start). */
  groupId?: string;
  /** Once the producer is done, how long stop() waits for the consumer to read every acked value (default 60 s). */
  drainMs?: number;
  /** How long a process may take to exit after SIGTERM before SIGKILL (default 15 s). */
  killAfterMs?: number;
  /**
   * Marks this run's values (`<runId>.<n>`; the tool takes an integer only), so values of earlier
   * runs on the same topic are ignored. Default: from the clock.
   */
  runId?: number;
  /** JVM flags, heap and home of the client tools (see toolArgv). */
  tool?: ToolArgvOptions;
  /** Harness settings file for the producer (default `<kafkaHome>/config/e2e-verifiable-producer.properties`). */
  producerConfig?: string;
  /** Client config of the consumer (security settings), if any. */
  consumerConfig?: string;
  log?: (line: string) => void;
}

export interface LoadProgress {
  acked: number;
  consumed: number;
  produceErrors: number;
  producerRunning: boolean;
}

export interface LoadResult {
  /** Values the producer sent (from its final report; acked + errors + in flight when it stopped). */
  sent: number;
  /** Distinct values acknowledged by the cluster. */
  acked: number;
  /** Acknowledged values the consumer never read. */
  lost: number;
  /** Sends that failed (after the producer's own retries). */
  produceErrors: number;
  /** Distinct values read. */
  consumed: number;
  /** Values stored more than once (read at two different offsets): a producer-side duplicate. */
  duplicates: number;
  /** Records read again at an offset already read (a consumer rebalance re-delivers; not a fault). */
  redelivered: number;
  /** Up to 20 lost values, ascending. */
  lostValues: number[];
  /** Up to 10 distinct error messages (producer send errors, consumer/producer stderr tails). */
  errors: string[];
  producerExit: string;
  consumerExit: string;
}

/** The counting, fed with the tools' JSON lines; pure, so it is tested on captured output. */
export class LoadLedger {
  readonly acked = new Set<number>();
  /** value -> the partition/offsets it was read at. */
  private readonly readAt = new Map<number, Set<string>>();
  private redeliveries = 0;
  produceErrors = 0;
  sent = 0;
  private readonly errorMessages = new Set<string>();

  constructor(private readonly runId?: number) {}

  /** Value number of a record of this run, or undefined for another run's value or a non-number. */
  private valueOf(v: unknown): number | undefined {
    if (typeof v !== "string") return undefined;
    let text = v;
    if (this.runId !== undefined) {
      const prefix = `${this.runId}.`;
      if (!v.startsWith(prefix)) return undefined;
      text = v.slice(prefix.length);
    }
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }

  /** One stdout line of VerifiableProducer; returns false for a line that is not one of its events. */
  producerLine(line: string): boolean {
    const e = parseEvent(line);
    if (!e) return false;
    switch (e.name) {
      case "producer_send_success": {
        const v = this.valueOf(e.value);
        if (v !== undefined) this.acked.add(v);
        break;
      }
      case "producer_send_error":
        this.produceErrors++;
        this.noteError(`produce: ${String(e.exception ?? "")} ${String(e.message ?? "")}`.trim());
        break;
      case "tool_data":
        if (typeof e.sent === "number") this.sent = e.sent;
        break;
    }
    return true;
  }

  /** One stdout line of VerifiableConsumer --verbose; returns false for a line that is not one of its events. */
  consumerLine(line: string): boolean {
    const e = parseEvent(line);
    if (!e) return false;
    if (e.name === "record_data") {
      const v = this.valueOf(e.value);
      if (v === undefined) return true;
      const at = `${String(e.partition)}@${String(e.offset)}`;
      let seen = this.readAt.get(v);
      if (!seen) this.readAt.set(v, (seen = new Set()));
      if (seen.has(at)) this.redeliveries++;
      else seen.add(at);
    } else if (e.name === "offsets_committed" && e.success === false) {
      this.noteError(`consume: commit failed: ${String(e.error ?? "")}`);
    }
    return true;
  }

  noteError(message: string): void {
    if (this.errorMessages.size < 10) this.errorMessages.add(message);
  }

  get consumed(): number {
    return this.readAt.size;
  }

  missing(): number[] {
    return [...this.acked].filter((v) => !this.readAt.has(v)).sort((a, b) => a - b);
  }

  result(exits: { producerExit: string; consumerExit: string }): LoadResult {
    const missing = this.missing();
    let duplicates = 0;
    for (const at of this.readAt.values()) if (at.size > 1) duplicates++;
    return {
      sent: Math.max(this.sent, this.acked.size + this.produceErrors),
      acked: this.acked.size,
      lost: missing.length,
      produceErrors: this.produceErrors,
      consumed: this.readAt.size,
      duplicates,
      redelivered: this.redeliveries,
      lostValues: missing.slice(0, 20),
      errors: [...this.errorMessages],
      ...exits,
    };
  }
}

function parseEvent(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const e = JSON.parse(line) as unknown;
    return e && typeof e === "object" && typeof (e as { name?: unknown }).name === "string" ? (e as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface LoadTest {
  readonly runId: number;
  progress(): LoadProgress;
  /** Resolves once `acked` and `consumed` both reached `count` (e.g. "traffic flows"); rejects after timeoutMs. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  /** Stops the producer (if still running), drains the consumer, stops it, and counts. */
  stop(): Promise<LoadResult>;
}

/** The argv of both tools, exposed so the runner's README and tests show exactly what runs. */
export function loadArgv(opts: LoadOptions & { runId: number }): { producer: string[]; consumer: string[] } {
  const throughput = opts.throughput ?? 50;
  const home = opts.tool?.kafkaHome ?? "/opt/kafka";
  const producer = toolArgv(
    "verifiable-producer",
    [
      "--bootstrap-server",
      opts.bootstrap,
      "--topic",
      opts.topic,
      "--throughput",
      String(throughput),
      "--max-messages",
      String(opts.maxMessages ?? throughput * 600),
      // acks=all; the tool takes the number (-1), not the word.
      "--acks",
      "-1",
      "--value-prefix",
      String(opts.runId),
      "--repeating-keys",
      String(opts.keys ?? 64),
      "--command-config",
      opts.producerConfig ?? `${home}/config/e2e-verifiable-producer.properties`,
    ],
    opts.tool,
  );
  const consumer = toolArgv(
    "verifiable-consumer",
    [
      "--bootstrap-server",
      opts.bootstrap,
      "--topic",
      opts.topic,
      "--group-id",
      opts.groupId ?? `e2e-load-${opts.runId}`,
      "--reset-policy",
      "earliest",
      "--verbose",
      ...(opts.consumerConfig !== undefined ? ["--command-config", opts.consumerConfig] : []),
    ],
    opts.tool,
  );
  return { producer, consumer };
}

/**
 * Starts the consumer and the producer as long-running processes through `spawn`. The producer
 * stops by itself after maxMessages; stop() ends both and returns the accounting.
 */
export function startLoad(spawn: Spawn, opts: LoadOptions): LoadTest {
  const runId = opts.runId ?? Math.floor(Date.now() / 1000) % 1_000_000_000;
  const ledger = new LoadLedger(runId);
  const log = opts.log ?? (() => {});
  const argv = loadArgv({ ...opts, runId });
  const consumer = track("consumer", spawn(argv.consumer, { stdio: ["ignore", "pipe", "pipe"] }), (l) => ledger.consumerLine(l));
  const producer = track("producer", spawn(argv.producer, { stdio: ["ignore", "pipe", "pipe"] }), (l) => ledger.producerLine(l));

  function track(name: string, child: ChildProcess, onLine: (line: string) => boolean) {
    const state = { child, exit: "running", done: new Promise<void>((resolve) => child.once("close", () => resolve())), stderr: [] as string[] };
    child.once("close", (code, signal) => {
      state.exit = signal ? `killed by ${signal}` : `exit ${code}`;
      log(`load ${name}: ${state.exit}`);
    });
    child.once("error", (e) => {
      state.exit = `failed to start: ${e.message}`;
      ledger.noteError(`${name}: ${e.message}`);
    });
    if (child.stdout) createInterface({ input: child.stdout }).on("line", (l) => onLine(l) || log(`load ${name}: ${l}`));
    if (child.stderr)
      createInterface({ input: child.stderr }).on("line", (l) => {
        state.stderr.push(l);
        if (state.stderr.length > 20) state.stderr.shift();
        log(`load ${name} stderr: ${l}`);
      });
    return state;
  }

  const progress = (): LoadProgress => ({
    acked: ledger.acked.size,
    consumed: ledger.consumed,
    produceErrors: ledger.produceErrors,
    producerRunning: producer.exit === "running",
  });

  async function end(p: typeof producer, killAfterMs: number): Promise<void> {
    if (p.exit !== "running") return;
    p.child.kill("SIGTERM");
    const timer = setTimeout(() => p.child.kill("SIGKILL"), killAfterMs);
    await p.done;
    clearTimeout(timer);
  }

  return {
    runId,
    progress,
    async waitFor(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const p = progress();
        if (p.acked >= count && p.consumed >= count) return;
        if (Date.now() > deadline)
          throw new Error(`load: after ${Math.round(timeoutMs / 1000)}s only ${p.acked} acked and ${p.consumed} consumed, waiting for ${count}`);
        if (producer.exit !== "running" && p.acked < count)
          throw new Error(`load: the producer ended (${producer.exit}) after ${p.acked} acks: ${producer.stderr.slice(-3).join(" | ")}`);
        await sleep(250);
      }
    },
    async stop() {
      const killAfterMs = opts.killAfterMs ?? 15_000;
      await end(producer, killAfterMs);
      const deadline = Date.now() + (opts.drainMs ?? 60_000);
      while (ledger.missing().length > 0 && consumer.exit === "running" && Date.now() < deadline) await sleep(250);
      await end(consumer, killAfterMs);
      for (const [name, p] of [["producer", producer] as const, ["consumer", consumer] as const]) {
        if (!/^exit 0$|SIGTERM|SIGKILL|exit 143/.test(p.exit) && p.stderr.length > 0)
          ledger.noteError(`${name} (${p.exit}): ${p.stderr.slice(-3).join(" | ")}`);
      }
      return ledger.result({ producerExit: producer.exit, consumerExit: consumer.exit });
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
