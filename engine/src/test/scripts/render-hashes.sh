#!/usr/bin/env bash
# Renders one file per task with the demo pack and prints their SHA-256, so that a refactoring of the pipeline can
# show it changed no output byte (run it before and after, compare). Writes only under target/render-hashes.
# Usage: engine/src/test/scripts/render-hashes.sh   (from the repository root, after a build)
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out=target/render-hashes; rm -rf "$out"; mkdir -p "$out"
af() { ./aceforge render --caption "warm lofi hip hop, dusty piano" "$@" > /dev/null 2>&1 || { echo "render failed: $*" >&2; exit 1; }; }
af --duration 10 --seed 42 --out "$out/text2music.wav"
af --duration 10 --seed 42 --batch 2 --out "$out/batch.wav"
af --duration 10 --seed 42 --method sde --out "$out/sde.wav"
af --variant base --steps 4 --guidance 5 --duration 10 --seed 42 --out "$out/base.wav"
af --duration 10 --seed 42 --think --out "$out/think.wav"
src="$out/text2music.wav"
af --task repaint --src "$src" --start 2 --end 5 --seed 7 --out "$out/repaint.wav"
af --task repaint --src "$src" --range 1:2 --range 6:8 --seed 7 --out "$out/repaint2.wav"
af --task cover --src "$src" --strength 0.5 --seed 7 --out "$out/cover.wav"
af --task extract --variant base --steps 4 --src "$src" --track vocals --seed 7 --out "$out/extract.wav"
af --task lego --variant base --steps 4 --src "$src" --track drums --seed 7 --out "$out/lego.wav"
af --task complete --variant base --steps 4 --src "$src" --tracks drums,bass --seed 7 --out "$out/complete.wav"
(cd "$out" && sha256sum *.wav)
