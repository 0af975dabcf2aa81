#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-reassign-partitions.sh: generate, execute and verify partition reassignments.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.reassign.ReassignPartitionsCommand "$@"
