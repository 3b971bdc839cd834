#!/usr/bin/env bash
# The browser test drives Debian's chromium (/usr/bin/chromium) through playwright-core. Install the
# package when it is missing and we may (root with apt-get); otherwise say how. With CI=true the
# browser test fails without it, so a missing browser is never a silent skip.
set -u
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing Debian's chromium package for the browser test"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || {
    echo "could not install chromium; the browser test will fail under CI=true" >&2
    exit 0
  }
else
  echo "chromium is not installed at /usr/bin/chromium: the browser test needs it (sudo apt-get install chromium)" >&2
fi
exit 0
