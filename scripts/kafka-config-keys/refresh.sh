#!/usr/bin/env bash
# Regenerates generator/kafka/config-keys/<major.minor>.json from Kafka's own
# config definitions (AbstractKafkaConfig.CONFIG_DEF) for each supported line.
# Needs Java 17+ and Maven; the jars come from Maven Central.
#   scripts/kafka-config-keys/refresh.sh              # the versions below
#   scripts/kafka-config-keys/refresh.sh 4.3.2        # one version (replaces its line's file)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../generator/kafka/config-keys"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(4.0.2 4.1.2 4.2.1 4.3.1)
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for v in "${versions[@]}"; do
  mvn -B -q -f "$here/pom.xml" -Dkafka.version="$v" dependency:build-classpath -Dmdep.outputFile="$tmp/cp"
  line="${v%.*}"
  # SLF4J's "no binding" notice goes to stderr; the JSON is the only thing on stdout.
  java -cp "$(cat "$tmp/cp")" "$here/DumpConfigKeys.java" "$v" 2>"$tmp/err" >"$tmp/$line.json" || { cat "$tmp/err" >&2; exit 1; }
  mv "$tmp/$line.json" "$out/$line.json"
  echo "$out/$line.json: Kafka $v, $(grep -c '^"' "$out/$line.json") keys"
done
