#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-broker-api-versions.sh: the brokers a client can reach, with their API versions.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
