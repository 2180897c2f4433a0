#!/usr/bin/env bash
# Starts (or stops) the private X display :97 used by the UI tests. Never fails the build: without Xvfb the UI
# tests skip themselves. Only the build that started the display stops it (its PID is kept in target/), so two
# builds on one machine (a test run and an install) never pull the display from under each other.
pidfile=target/xvfb.pid
case "${1:-}" in
  start)
    if [ -e /tmp/.X97-lock ] && kill -0 "$(tr -d ' ' < /tmp/.X97-lock)" 2>/dev/null; then exit 0; fi
    rm -f /tmp/.X97-lock
    if command -v Xvfb >/dev/null 2>&1; then
      mkdir -p target
      setsid Xvfb :97 -screen 0 1440x1000x24 -nolisten tcp >/dev/null 2>&1 < /dev/null &
      echo $! > "$pidfile"
      for _ in 1 2 3 4 5 6 7 8 9 10; do [ -e /tmp/.X11-unix/X97 ] && break; sleep 0.3; done
    else
      echo "Xvfb not installed: UI tests will be skipped"
    fi ;;
  stop)
    if [ -e "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi ;;
esac
exit 0
