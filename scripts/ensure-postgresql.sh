#!/usr/bin/env bash
# The PostgreSQL tests start their own throwaway cluster on 127.0.0.1. Install Debian's package
# when it is missing and we may (root with apt-get); otherwise say how, and let the tests report it.
set -u
if command -v postgres >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL is missing: installing Debian's postgresql package for the PostgreSQL tests"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || {
    echo "could not install postgresql; the PostgreSQL tests will fail" >&2
    exit 0
  }
else
  echo "PostgreSQL is not installed: the PostgreSQL tests need it (e.g. sudo apt-get install postgresql, or brew install postgresql)" >&2
fi
exit 0
