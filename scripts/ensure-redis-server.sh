#!/usr/bin/env bash
# The Redis tests start their own redis-server on 127.0.0.1. Install Debian's package when it is
# missing and we may (root with apt-get); otherwise say how, and let the tests report it.
set -u
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing: installing Debian's redis-server package for the Redis tests"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } || {
    echo "could not install redis-server; the Redis tests will fail" >&2
    exit 0
  }
else
  echo "redis-server is not installed: the Redis tests need it (e.g. sudo apt-get install redis-server, or brew install redis)" >&2
fi
exit 0
