#!/usr/bin/env bash
# Start the rooms server (the seed rooms lab's start.sh): ./start.sh [port], default 8080 as in seed 004.
set -euo pipefail
cd "$(dirname "$0")"
[ -f dist/cli.js ] || ./compile.sh
exec node dist/cli.js lab rooms --port "${1:-8080}"
