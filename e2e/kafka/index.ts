// The Kafka side of the end-to-end harness, as the runner and the scenarios use it.
export { installKafka, kafkaVersionOfImage, cacheRoot, type KafkaInstall } from "./install.js";
export { imageRoot, kafkaSourceDir } from "./paths.js";
export * from "./tools.js";
export { startLoad, loadArgv, LoadLedger, type Spawn, type LoadOptions, type LoadProgress, type LoadResult, type LoadTest } from "./load.js";
export * from "./admin.js";
