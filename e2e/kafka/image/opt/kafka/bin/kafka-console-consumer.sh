#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-console-consumer.sh: records to stdout.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
