# Sourced by scripts/test, scripts/demo and scripts/bench: installs whatever is missing, with
# pinned versions, into this checkout (.tools/, node_modules/), then builds libzigbolt.
# A second run with everything in place costs well under a second before the real work.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
ZIG_VERSION=0.15.1
# sha256 of the PyPI wheels of ziglang==0.15.1, per machine architecture.
ZIG_WHEEL_SHA256_x86_64=4e45994a0e608d9b16ecad255698f5557a2e24de0bd7ba9efb156ab3f3683d9a
ZIG_WHEEL_SHA256_aarch64=6c32697f9e165b7b6c5950ab0a1cd2e2bc3e72f4ff2d59bc5121b2b71955a77a

ZIG="$TOOLS/zig-$ZIG_VERSION/ziglang/zig"
DENO="$ROOT/node_modules/.bin/deno"
BUN="$ROOT/node_modules/.bin/bun"
export ZIG_GLOBAL_CACHE_DIR="$TOOLS/zig-cache"
export ZIGBOLT_ROOT="$ROOT" ZIG DENO BUN
# Bun and Deno spawn each other in tests: they find each other here.
export PATH="$ROOT/node_modules/.bin:$PATH"
export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1

say() { printf '[bootstrap] %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_zig() {
  [ -x "$ZIG" ] && [ "$("$ZIG" version)" = "$ZIG_VERSION" ] && return 0
  command -v python3 >/dev/null || apt_install python3 python3-pip
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  local arch sha
  arch=$(uname -m)
  sha_var="ZIG_WHEEL_SHA256_$arch"
  sha=${!sha_var:-}
  [ -n "$sha" ] || { say "no pinned Zig wheel for $arch"; exit 1; }
  say "installing Zig $ZIG_VERSION from PyPI (ziglang)"
  local download
  download=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$download" "ziglang==$ZIG_VERSION"
  local wheel
  wheel=$(ls "$download"/ziglang-"$ZIG_VERSION"-*.whl)
  echo "$sha  $wheel" | sha256sum --check --quiet
  rm -rf "$TOOLS/zig-$ZIG_VERSION"
  mkdir -p "$TOOLS"
  python3 -m zipfile -e "$wheel" "$TOOLS/zig-$ZIG_VERSION"
  chmod +x "$ZIG"
  rm -rf "$download"
}

ensure_js_runtimes() {
  local want_deno want_bun
  want_deno=$(sed -n 's/.*"deno": "\(.*\)".*/\1/p' "$ROOT/package.json")
  want_bun=$(sed -n 's/.*"bun": "\(.*\)".*/\1/p' "$ROOT/package.json")
  # The stamp is the lock file npm ci last installed: a changed lock file installs again.
  local stamp="$ROOT/node_modules/.zigbolt-installed-lock.json"
  if [ -x "$DENO" ] && [ -x "$BUN" ] && cmp -s "$ROOT/package-lock.json" "$stamp" &&
    "$DENO" --version 2>/dev/null | grep -q "^deno $want_deno " &&
    [ "$("$BUN" --version 2>/dev/null)" = "$want_bun" ]; then
    return 0
  fi
  command -v npm >/dev/null || apt_install nodejs npm
  say "installing deno $want_deno and bun $want_bun from npm (package-lock.json)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$ROOT/package-lock.json" "$stamp"
}

build_native() {
  # zig build is incremental: when nothing changed it only checks its cache.
  (cd "$ROOT/native" && "$ZIG" build -Doptimize=ReleaseFast --summary none)
}

ensure_zig
ensure_js_runtimes
build_native
