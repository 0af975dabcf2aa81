// The Kafka side of the end-to-end harness, as the runner and the scenarios use it.
export { installKafka, kafkaVersionOfImage, cacheRoot, type KafkaInstall } from "./install.js";
export { imageRoot, kafkaSourceDir } from "./paths.js";
