#!/bin/sh
# Builds AceForge's ONNX Runtime operators (aceforge_ortops.c) into OUTDIR/libaceforge_ortops.so on Linux x86-64.
# Without a C compiler, or on another platform, it says so and succeeds: the engine then uses standard operators.
set -eu
out="$1"
src="$(dirname "$0")/aceforge_ortops.c"
if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ]; then
  echo "aceforge_ortops: not built on $(uname -s)/$(uname -m); the VAE will use standard ONNX operators"
  exit 0
fi
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "aceforge_ortops: no C compiler ($cc); the VAE will use standard ONNX operators (install gcc for the fast path)"
  exit 0
fi
mkdir -p "$out"
if [ -f "$out/libaceforge_ortops.so" ] && [ "$out/libaceforge_ortops.so" -nt "$src" ]; then exit 0; fi
"$cc" -O3 -std=gnu11 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -o "$out/libaceforge_ortops.so.tmp" "$src" -lpthread -lm
mv "$out/libaceforge_ortops.so.tmp" "$out/libaceforge_ortops.so"
