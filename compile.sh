#!/usr/bin/env bash
# Build tcpchat (the seed rooms lab asks for this script): install dependencies and compile to dist/.
set -euo pipefail
cd "$(dirname "$0")"
if [ -d node_modules ]; then npm run build; else npm install; fi
