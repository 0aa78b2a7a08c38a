#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the store tests of
# examples/vendor and prints its DSN on standard output:
#
#	export PALAUTE_POSTGRES_DSN=$(examples/vendor/testdata/postgres.sh /tmp/palaute-pg)
#
# It installs Debian's postgresql package when no server is found, makes a
# new cluster in the directory given (removing what was there), owned by a
# user that is not root (initdb refuses root: the postgres user of the
# package), listening on a Unix socket in that directory only (no TCP), and
# stops it again with "postgres.sh DIR stop". The tests never need the
# network.
set -euo pipefail
dir=${1:?usage: postgres.sh DIR [stop]}
bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
asowner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${2:-}" = stop ]; then
  [ -d "$dir/data" ] && asowner "$(bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  exit 0
fi
if [ -z "$(bin)" ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
fi
pg=$(bin)
if [ -d "$dir/data" ]; then
  asowner "$pg/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$dir"
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
user=$(asowner id -un)
asowner "$pg/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
asowner "$pg/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses='' -k $dir -c fsync=on -c max_connections=200" start >&2 || { cat "$dir/server.log" >&2; exit 1; }
echo "postgres://$user@/postgres?host=$dir&sslmode=disable"
