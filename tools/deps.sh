#!/bin/sh
# deps.sh -- install the Debian packages xueji needs to build, run and test,
# but only those missing (idempotent; needs root or sudo when something is
# missing).  The npm packages are installed by `make web` (npm ci).
# As root, also the system user xjpg that runs the tests' throw-away
# PostgreSQL cluster (tests/pg/cluster.sh; PostgreSQL refuses root).
set -eu
if [ "$(id -u)" -eq 0 ] && ! id xjpg >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin xjpg
fi
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev
libsqlite3-dev libsodium-dev libxlsxwriter-dev libzip-dev libexpat1-dev
libpq-dev postgresql-15 libcmocka-dev sqlite3 python3 python3-pytest python3-httpx
libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
chromium clang libclang-rt-14-dev wrk nodejs npm"
missing=""
for p in $PKGS; do
  # nodejs/npm may come from elsewhere (e.g. a newer node on PATH)
  case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
