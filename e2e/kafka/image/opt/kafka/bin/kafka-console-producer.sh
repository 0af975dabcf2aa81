#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-console-producer.sh: lines of stdin become records.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ConsoleProducer "$@"
