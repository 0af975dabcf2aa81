#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-cluster.sh: cluster id and broker unregistration.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ClusterTool "$@"
