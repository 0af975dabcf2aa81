// Where the Kafka side's non-TypeScript files live. The compiled module runs from dist/e2e/kafka/,
// the files it needs (pom.xml, image/) stay in the source tree e2e/kafka/.
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The source folder e2e/kafka/ of this repository. */
export function kafkaSourceDir(): string {
  return fileURLToPath(new URL("../../../e2e/kafka/", import.meta.url));
}

/**
 * Folder with the image emulation, laid out like the image's filesystem: `etc/kafka/docker/*` (the
 * entrypoint scripts and default configs), `opt/kafka/bin/*.sh` (tool shims) and `opt/kafka/config/`
 * (the template of the image's writable config folder). A container gets a fresh copy of
 * `opt/kafka` and `etc/kafka` at every start; `opt/kafka/libs` is the install's libDir.
 */
export function imageRoot(): string {
  return join(kafkaSourceDir(), "image");
}
