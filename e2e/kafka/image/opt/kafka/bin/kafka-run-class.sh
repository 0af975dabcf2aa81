#!/usr/bin/env bash
# The harness's stand-in for the distribution's bin/kafka-run-class.sh (the image runs every Java
# process through it): builds the same java command line from the same variables, in the same
# order, and execs it. Usage: kafka-run-class.sh [-name NAME] [-loggc] [-daemon] CLASS [ARGS...]
# -daemon is accepted for completeness; the harness never uses it (containers run in the foreground).
base_dir="$(cd "$(dirname "$0")/.." && pwd)"

if [ $# -lt 1 ]; then
  echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]"
  exit 1
fi

# Every jar of the install (the Maven cache folder bind-mounted on /opt/kafka/libs).
CLASSPATH="${CLASSPATH:+$CLASSPATH:}$base_dir/libs/*"

# JMX on for local attach unless the caller set its own options; JMX_PORT opens a port.
if [ -z "${KAFKA_JMX_OPTS:-}" ]; then
  KAFKA_JMX_OPTS="-Dcom.sun.management.jmxremote=true -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false"
fi
if [ -n "${JMX_PORT:-}" ]; then
  KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.port=$JMX_PORT"
  case "$KAFKA_JMX_OPTS" in
    *-Dcom.sun.management.jmxremote.rmi.port=*) ;;
    *) KAFKA_JMX_OPTS="$KAFKA_JMX_OPTS -Dcom.sun.management.jmxremote.rmi.port=$JMX_PORT" ;;
  esac
fi

LOG_DIR="${LOG_DIR:-$base_dir/logs}"

# Logging: a tool logs by tools-log4j2.yaml; a caller that chose a config (kafka-server-start.sh
# does) also gets the log folder created.
if [ -z "${KAFKA_LOG4J_OPTS:-}" ]; then
  KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml"
else
  mkdir -p "$LOG_DIR"
fi
KAFKA_LOG4J_CMD_OPTS="-Dkafka.logs.dir=$LOG_DIR $KAFKA_LOG4J_OPTS"

KAFKA_OPTS="${KAFKA_OPTS:-}"

if [ -z "${JAVA_HOME:-}" ]; then JAVA="java"; else JAVA="$JAVA_HOME/bin/java"; fi

# Defaults for whatever the caller left empty: a small heap for tools, G1 tuned for low pauses.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:-"-Xmx256M"}"
KAFKA_JVM_PERFORMANCE_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:-"-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true"}"

DAEMON_NAME=""
GC_LOG_ENABLED=""
while [ $# -gt 0 ]; do
  case "$1" in
    -name) DAEMON_NAME="$2"; shift 2 ;;
    -loggc) [ -z "${KAFKA_GC_LOG_OPTS:-}" ] && GC_LOG_ENABLED=true; shift ;;
    -daemon) shift ;;
    *) break ;;
  esac
done

# -loggc: rotated GC log in the log folder, Java 9+ syntax.
if [ "$GC_LOG_ENABLED" = true ]; then
  KAFKA_GC_LOG_OPTS="-Xlog:gc*:file=$LOG_DIR/${DAEMON_NAME}-gc.log:time,tags:filecount=10,filesize=100M"
fi

# Word splitting of the option variables is intended, as in the original.
# shellcheck disable=SC2086
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS ${KAFKA_GC_LOG_OPTS:-} $KAFKA_JMX_OPTS $KAFKA_LOG4J_CMD_OPTS -cp "$CLASSPATH" $KAFKA_OPTS "$@"
