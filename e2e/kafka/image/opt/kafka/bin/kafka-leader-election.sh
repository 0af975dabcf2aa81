#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-leader-election.sh: preferred or unclean leader election.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.LeaderElectionCommand "$@"
