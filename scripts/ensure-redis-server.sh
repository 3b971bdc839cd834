#!/usr/bin/env bash
# The Redis tests start their own redis-server on 127.0.0.1.
exec bash "$(dirname "$0")/ensure-debian-package.sh" redis-server "the Redis tests" command -v redis-server
