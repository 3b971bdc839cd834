#!/usr/bin/env bash
# The PostgreSQL tests start their own throwaway cluster on 127.0.0.1 (Debian keeps the server under /usr/lib/postgresql).
exec bash "$(dirname "$0")/ensure-debian-package.sh" postgresql "the PostgreSQL tests" bash -c 'command -v postgres || ls /usr/lib/postgresql/*/bin/postgres'
