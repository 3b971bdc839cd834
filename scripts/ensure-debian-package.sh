#!/usr/bin/env bash
# Installs one of Debian's packages that a group of tests needs, when it is missing and we may (root
# with apt-get); otherwise says how. Usage: ensure-debian-package.sh PACKAGE WHAT CHECK...
# (CHECK is a command that succeeds when the package is there). It never fails the caller: with
# CI=true the tests that need the package fail without it, so a missing server is never a silent skip.
set -u
package=$1 what=$2
shift 2
"$@" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "$package is missing: installing Debian's $package package for $what"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; } || {
    echo "could not install $package; $what will fail" >&2
    exit 0
  }
else
  echo "$package is not installed, and $what need it: sudo apt-get install $package" >&2
fi
exit 0
