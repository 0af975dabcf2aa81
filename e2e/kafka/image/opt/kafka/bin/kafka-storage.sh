#!/usr/bin/env bash
# Stand-in for the distribution's bin/kafka-storage.sh: format and inspect log dirs.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
