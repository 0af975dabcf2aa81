#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-verifiable-producer.sh: the producer of Kafka's system tests, one JSON line per event.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.VerifiableProducer "$@"
