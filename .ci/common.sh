# Shared by the store and test commands: installs what is missing, quietly when
# everything is already there. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Builds are cached outside the clone when possible, so a fresh clone reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shopfront/target}"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Playwright drives Debian's Chromium; it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1
  fi
}

# Cargo never deletes old builds from its target directory: every change to the
# store leaves a few gigabytes of stale test binaries behind, and a full disk
# fails the build half-way. When space runs low the cache is started afresh (a
# cold build takes longer but needs nothing that is not here).
ensure_disk_space() {
  local want_gb="${SHOPFRONT_MIN_FREE_GB:-30}" free_gb
  mkdir -p "$CARGO_TARGET_DIR"
  free_gb=$(($(df -Pk "$CARGO_TARGET_DIR" | awk 'NR==2{print $4}') / 1048576))
  if [ "$free_gb" -lt "$want_gb" ]; then
    say "Only ${free_gb} GB free on the disk: clearing the build cache $CARGO_TARGET_DIR"
    rm -rf "$CARGO_TARGET_DIR"
    mkdir -p "$CARGO_TARGET_DIR"
    free_gb=$(($(df -Pk "$CARGO_TARGET_DIR" | awk 'NR==2{print $4}') / 1048576))
    echo "${free_gb} GB free now"
  fi
}

ensure_rust_tools() {
  # SQLite and jemalloc (the server's allocator) are built from C, jemalloc with make.
  if ! command -v make >/dev/null || ! command -v cc >/dev/null; then
    say "Installing a C compiler and make from Debian"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q build-essential
  fi
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
    say "Installing cargo-leptos 0.3.10 (about 15 minutes, once)"
    cargo install cargo-leptos --locked --version 0.3.10
  fi
  # wasm-bindgen-cli must match the wasm-bindgen the app is built with.
  local wanted
  wanted="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wanted"; then
    say "Installing wasm-bindgen-cli $wanted (about 3 minutes, once)"
    cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

ensure_node_tools() {
  # Tailwind and wasm-opt come from npm, so cargo-leptos downloads nothing.
  if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] \
    || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing the front-end tools (npm install, from package-lock.json)"
    # Not `npm ci`: npm 11 leaves Tailwind's optional per-platform packages out of
    # the lock file and then refuses it; `npm install` honours the lock all the same.
    npm install --no-audit --no-fund --loglevel=error
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    say "Installing Chromium from Debian"
    as_root apt-get update -q
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q chromium
  fi
}

# Sets TEST_DATABASE_URL to a local PostgreSQL 15 when none is given, starting it
# if needed. Leaves it unset (and says so) when PostgreSQL cannot be had.
ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return; fi
  if ! command -v pg_ctlcluster >/dev/null; then
    say "Installing PostgreSQL from Debian"
    as_root apt-get update -q || true
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q postgresql || true
  fi
  local cluster
  cluster="$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2}')"
  if [ -z "$cluster" ]; then
    say "PostgreSQL is not available here: SKIPPING the PostgreSQL run of the tests"
    return
  fi
  # shellcheck disable=SC2086
  as_root pg_ctlcluster $cluster start 2>/dev/null || true
  local port
  port="$(pg_lsclusters -h | awk 'NR==1{print $3}')"
  for _ in $(seq 1 30); do
    as_root runuser -u postgres -- psql -p "$port" -qAtc 'select 1' >/dev/null 2>&1 && break
    sleep 1
  done
  as_root runuser -u postgres -- psql -p "$port" -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shopfront') THEN
    CREATE ROLE shopfront LOGIN PASSWORD 'shopfront' CREATEDB;
  END IF;
END $$;
SQL
  export TEST_DATABASE_URL="postgres://shopfront:shopfront@127.0.0.1:${port}/postgres"
}
