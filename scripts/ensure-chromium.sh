#!/usr/bin/env bash
# The browser test drives Debian's chromium (/usr/bin/chromium) through playwright-core.
exec bash "$(dirname "$0")/ensure-debian-package.sh" chromium "the browser tests" test -x /usr/bin/chromium
