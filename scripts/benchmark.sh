#!/usr/bin/env bash
# Measures the starter's paths side by side with raw jnats on one local nats-server.
# Usage: scripts/benchmark.sh [operations=200000] [rounds=3] [filter=pub/sub]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision-nats-server.sh
./mvnw -B -q -DskipTests install -pl nats-spring-benchmarks -am
./mvnw -B -q -pl nats-spring-benchmarks exec:java -Dexec.args="$*"
