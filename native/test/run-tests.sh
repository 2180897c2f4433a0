#!/usr/bin/env bash
# Native tests, run by `mvn test` (module native/): the C test host against the plugin bundle without Java under
# valgrind, then with Java (under Xvfb when available, so the editor opens), then Ardour 7 when installed.
# Usage: run-tests.sh BUILD_DIR CLASSPATH_FILE
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"; cpfile="$2"
bundle="$build/test-bundle/AceForge.vst3"
rm -rf "$build/test-bundle"
mkdir -p "$bundle/Contents/x86_64-linux" "$bundle/Contents/Resources/java"
cp "$build/AceForge.so" "$bundle/Contents/x86_64-linux/AceForge.so"
tr ':' '\n' < "$cpfile" | sed '/^$/d; s/^/classpath=/' > "$bundle/Contents/Resources/jvm.cfg"
export XDG_STATE_HOME="$build/state"
failed=0

echo "== C path without Java, under valgrind"
if command -v valgrind >/dev/null 2>&1; then
  ACEFORGE_NO_JAVA=1 valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite -q \
    "$build/vst3-test-host" "$bundle" --no-java-expected || failed=1
else
  echo "valgrind not installed: running without it"
  ACEFORGE_NO_JAVA=1 "$build/vst3-test-host" "$bundle" --no-java-expected || failed=1
fi

echo "== with Java"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a -s "-screen 0 1280x800x24" "$build/vst3-test-host" "$bundle" || failed=1
else
  echo "xvfb-run not installed: the editor part is skipped"
  env -u DISPLAY "$build/vst3-test-host" "$bundle" || failed=1
fi

echo "== a JVM already running in the host (our classes load through their own class loader)"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}" \
  env -u DISPLAY "$build/vst3-test-host" "$bundle" --foreign-jvm || failed=1

echo "== a broken runtime: the plugin loads, passes audio through and says why"
mkdir -p "$build/broken/AceForge.vst3/Contents/x86_64-linux" "$build/broken/AceForge.vst3/Contents/Resources/java"
cp "$build/AceForge.so" "$build/broken/AceForge.vst3/Contents/x86_64-linux/"
echo "java_home=/nonexistent" > "$build/broken/AceForge.vst3/Contents/Resources/jvm.cfg"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a "$build/vst3-test-host" "$build/broken/AceForge.vst3" --no-java-expected || failed=1
else
  env -u DISPLAY "$build/vst3-test-host" "$build/broken/AceForge.vst3" --no-java-expected || failed=1
fi

if command -v ardour7-lua >/dev/null 2>&1; then
  echo "== Ardour 7"
  bash "$here/ardour-test.sh" "$bundle" "$build/ardour" || failed=1
else
  echo "== Ardour 7 not installed: skipped (.ci/run installs it)"
fi
exit $failed
