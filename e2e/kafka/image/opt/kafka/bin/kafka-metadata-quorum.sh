#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-metadata-quorum.sh: the KRaft quorum's status and replication.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.MetadataQuorumCommand "$@"
