#!/usr/bin/env bash
# Assembles AceForge.vst3: the native shim plus every jar the Java side needs, and a launcher config naming the
# Java runtime to start (a bundled jlink runtime under Contents/Resources/jre takes precedence when present).
# Usage: installer/assemble-bundle.sh OUT_DIR      (writes OUT_DIR/AceForge.vst3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bundle="$work/AceForge.vst3"
mkdir -p "$bundle/Contents/x86_64-linux" "$bundle/Contents/Resources/java"
(cd "$root" && mvn -B -q -DskipTests -pl plugin-host-bridge -am package dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$bundle/Contents/Resources/java") >"$work/mvn.log" 2>&1 \
  || { cat "$work/mvn.log" >&2; echo "assemble-bundle: the Java build failed" >&2; exit 1; }
cp "$root"/plugin-host-bridge/target/aceforge-plugin-host-bridge-*.jar "$bundle/Contents/Resources/java/"
make -s -C "$root/native" BUILD="$work/build" "$work/build/AceForge.so" "$work/build/aceforge-jvm-probe" >/dev/null \
  || { echo "assemble-bundle: the native build failed" >&2; exit 1; }
cp "$work/build/AceForge.so" "$bundle/Contents/x86_64-linux/AceForge.so"
# The JVM start check the module runs in a child process before it starts Java inside a host.
cp "$work/build/aceforge-jvm-probe" "$bundle/Contents/Resources/aceforge-jvm-probe"
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
{
  echo "# AceForge launcher config: the Java runtime to start inside the host, and extra JVM options."
  echo "java_home=$java_home"
  echo "option=-Xss4m"
} > "$bundle/Contents/Resources/jvm.cfg"
mkdir -p "$out"
rm -rf "$out/AceForge.vst3.new"
cp -r "$bundle" "$out/AceForge.vst3.new"
rm -rf "$out/AceForge.vst3"
mv "$out/AceForge.vst3.new" "$out/AceForge.vst3"
echo "$out/AceForge.vst3"
