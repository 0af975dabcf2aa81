// The runner's deliberate deviations from Kubernetes, each one constant in one place (README: "Knobs").

/**
 * ONE factor for every probe period, initial delay, restart back-off and minReadySeconds:
 * 0.5 turns a 10 s readiness period into 5 s and the 600 s startup budget (60 x 10 s) into 300 s. Failure/success thresholds are counts and stay as
 * declared, so "failureThreshold x periodSeconds" shrinks by the same factor. Probe timeouts and
 * terminationGracePeriodSeconds are NOT scaled: they bound how long one real operation may take.
 */
export const TIME_FACTOR = Number(process.env.KGO_E2E_TIME_FACTOR ?? "0.5");

/** Resource requests/limits are not reproduced; the manifests' heaps (1-16 GiB) become this one small heap. */
export const HEAP_OPTS = process.env.KGO_E2E_HEAP_OPTS ?? "-Xmx384m -Xms384m";

/**
 * Extra JVM options for Kafka processes (e.g. `-XX:TieredStopAtLevel=1` for faster start on 2 cores).
 * Appended to the container's KAFKA_OPTS (which kafka-run-class.sh adds to the java command) only when set; empty by default.
 */
export const EXTRA_JVM_OPTS = process.env.KGO_E2E_JVM_OPTS ?? "";

export const scaled = (seconds: number) => Math.max(50, Math.round(seconds * 1000 * TIME_FACTOR));
