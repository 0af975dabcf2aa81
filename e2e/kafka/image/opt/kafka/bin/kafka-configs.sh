#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-configs.sh: describe and alter dynamic configs.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
