#!/usr/bin/env bash
# Native tests, run by `mvn test` (module native/): the C test host against the plugin bundle — without Java under
# valgrind; with Java and the real-time tripwire (under Xvfb when available, so the editor opens); a JVM already in
# the host; two copies of the module loaded and unloaded in several orders; Java that cannot start (bad agent, tiny
# heap, address-space limit, missing runtime, missing classes, no start check); deliberately broken builds that the
# tripwire must catch; then Ardour 7 when installed.
# Usage: run-tests.sh BUILD_DIR CLASSPATH_FILE
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"; cpfile="$2"
host="$build/vst3-test-host"; tripwire="$build/vst3-test-host-tripwire"
failed=0
results="$build/native-results.txt"; : > "$results"

# make_bundle DIR [SO]: a bundle with the shim (or SO), the start check and a jvm.cfg naming the class path.
make_bundle() {
  local dir="$1/AceForge.vst3" so="${2:-$build/AceForge.so}"
  rm -rf "$1"; mkdir -p "$dir/Contents/x86_64-linux" "$dir/Contents/Resources/java"
  cp "$so" "$dir/Contents/x86_64-linux/AceForge.so"
  cp "$build/aceforge-jvm-probe" "$dir/Contents/Resources/aceforge-jvm-probe"
  { tr ':' '\n' < "$cpfile"; echo; } | sed '/^$/d; s/^/classpath=/' > "$dir/Contents/Resources/jvm.cfg"
  echo "$dir"
}
# xvfb: the prefix that gives a command a display (the editor is then opened), or none.
if command -v xvfb-run >/dev/null 2>&1; then xvfb=(xvfb-run -a -s "-screen 0 1280x800x24"); else xvfb=(env -u DISPLAY); fi
# run NAME CMD…: runs one test host invocation with its own log folder; records pass/fail.
run() {
  local name="$1"; shift
  export XDG_STATE_HOME="$build/state/$name"; rm -rf "$XDG_STATE_HOME"
  echo "== $name"
  if "$@"; then echo "ok   $name" >> "$results"; else echo "FAIL $name" >> "$results"; failed=1; fi
}

bundle="$(make_bundle "$build/test-bundle")"
bundle2="$(make_bundle "$build/test-bundle-copy")"

run "real-time hand-off under stress (AddressSanitizer)" "$build/rt-test"
if command -v valgrind >/dev/null 2>&1; then
  run "C path without Java, under valgrind" env ACEFORGE_NO_JAVA=1 valgrind --error-exitcode=9 --leak-check=full \
    --errors-for-leak-kinds=definite -q "$host" "$bundle" --no-java-expected
else
  echo "valgrind not installed: running without it"
  run "C path without Java" env ACEFORGE_NO_JAVA=1 "$host" "$bundle" --no-java-expected
fi
run "with Java and the real-time tripwire" "${xvfb[@]}" "$tripwire" "$bundle"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
run "a JVM already running in the host" env -u DISPLAY JAVA_HOME="$JAVA_HOME" "$tripwire" "$bundle" --foreign-jvm

# Two copies of the module from two paths; instances in both; unload and reload in several orders.
for steps in "+A +B iA iB jA jB xA -A uB +A iA jA uA uB xB -B uA xA -A" \
             "+A iA jA uA xA -A +A iA jA uA xA -A" \
             "+B +A iB jB iA jA xB -B uA xA -A +B iB jB uB xB -B" \
             "+A +B iA iB jB jA xB -B uA +B iB jB uB uA xA -A xB -B" \
             "+A iA xA -A +B iB jB uB +A iA jA uA uB" \
             "+A iA sA xA -A w +B iB jB uB" \
             "+A +B iA iB sA sB xA -A w uB +A iA uA"; do
  run "two copies: $steps" env -u DISPLAY "$host" "$bundle" --copies "$bundle2" "$steps"
done

# A start check that passed is remembered: the second start with the same runtime and options skips it.
memo_twice() {
  "$host" "$bundle" --copies "$bundle2" "+A iA jA uA xA" > /dev/null && "$host" "$bundle" --copies "$bundle2" "+A iA jA uA xA" \
    && [ "$(grep -c 'start check (' "$XDG_STATE_HOME/aceforge/plugin.log")" = 1 ] \
    && grep -q "start check skipped" "$XDG_STATE_HOME/aceforge/plugin.log"
}
run "the start check runs once for a runtime and its options" memo_twice

# Java that cannot start: the host lives on, audio passes through, the log and the editor say why.
broken_cfg() { local d; d="$(make_bundle "$build/jvmfail/$1")"; echo "$d"; }
b="$(broken_cfg agent)"
run "JVM start: bad -javaagent in JAVA_TOOL_OPTIONS" env JAVA_TOOL_OPTIONS=-javaagent:/nonexistent.jar \
  "${xvfb[@]}" "$host" "$b" --no-java-expected "nonexistent.jar"
b="$(broken_cfg heapcfg)"; echo "option=-Xmx1m" >> "$b/Contents/Resources/jvm.cfg"
run "JVM start: -Xmx1m in jvm.cfg" env -u DISPLAY "$host" "$b" --no-java-expected "heap"
b="$(broken_cfg heapenv)"
run "JVM start: -Xmx1m in JAVA_TOOL_OPTIONS" env -u DISPLAY JAVA_TOOL_OPTIONS=-Xmx1m "$host" "$b" --no-java-expected "JAVA_TOOL_OPTIONS=-Xmx1m"
b="$(broken_cfg ulimit)"
run "JVM start: address space limited to 2 GB" bash -c 'ulimit -v 2000000 && exec env -u DISPLAY "$0" "$1" --no-java-expected "Java could not start"' "$host" "$b"
b="$(broken_cfg noruntime)"; echo "java_home=/nonexistent" >> "$b/Contents/Resources/jvm.cfg"
run "JVM start: missing runtime" "${xvfb[@]}" "$host" "$b" --no-java-expected "no Java runtime at /nonexistent"
b="$(broken_cfg noclasses)"; grep -v '^classpath=' "$b/Contents/Resources/jvm.cfg" > "$b/cfg" || true; mv "$b/cfg" "$b/Contents/Resources/jvm.cfg"
run "JVM start: no Java classes in the bundle" env -u DISPLAY "$host" "$b" --no-java-expected "no Java classes"
b="$(broken_cfg noprobe)"; rm "$b/Contents/Resources/aceforge-jvm-probe"; echo "option=-Xmx1m" >> "$b/Contents/Resources/jvm.cfg"
run "JVM start: no start check, the JVM fails inside the host (abort hook)" env -u DISPLAY "$host" "$b" --no-java-expected "Too small maximum heap"
b="$(broken_cfg noprobe-agent)"; rm "$b/Contents/Resources/aceforge-jvm-probe"
run "JVM start: no start check, a bad agent inside the host (abort hook)" env -u DISPLAY JAVA_TOOL_OPTIONS=-javaagent:/nonexistent.jar \
  "$host" "$b" --no-java-expected "agent library failed to init"

# Deliberately broken builds: each must be caught by the tripwire or the Java-attachment check.
for kind in java malloc lock; do
  b="$(make_bundle "$build/broken-bundle-$kind" "$build/broken-$kind/AceForge.so")"
  export XDG_STATE_HOME="$build/state/broken-$kind"; rm -rf "$XDG_STATE_HOME"
  out="$(env -u DISPLAY "$tripwire" "$b" --rt-only 2>&1)"; rc=$?
  echo "$out" | grep FAIL | head -3
  if [ $rc -ne 0 ] && echo "$out" | grep -q "FAIL"; then echo "ok   the tripwire catches a broken build ($kind in process())" >> "$results"
  else echo "FAIL the tripwire missed a broken build ($kind in process())" >> "$results"; failed=1; fi
done

if command -v ardour7-lua >/dev/null 2>&1; then
  run "Ardour 7" bash "$here/ardour-test.sh" "$bundle" "$build/ardour"
else
  echo "== Ardour 7 not installed: skipped (.ci/run installs it)"
fi
echo "== native test summary"
cat "$results"
echo "$(grep -c '^ok' "$results") passed, $(grep -c '^FAIL' "$results") failed"
exit $failed
