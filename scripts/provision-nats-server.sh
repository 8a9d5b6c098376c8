#!/usr/bin/env bash
# Provisions nats-server for the tests and the sample into a project-local, git-ignored folder:
#
#   .nats-server/latest/nats-server   the newest Debian-packaged server (suite sid)
#   .nats-server/2.10/nats-server     the 2.10 floor we stay compatible with (suite trixie)
#
# It downloads the Debian packages with a private apt configuration (the machine's own mirror,
# another suite name) and unpacks them with dpkg -x: the system's apt setup is never changed.
# It does nothing when the binaries are already there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${NATS_SERVER_HOME:-$root/.nats-server}"
# version-folder:debian-suite:expected-version-prefix
targets=("latest:sid:" "2.10:trixie:2.10.")

manual_help() {
  cat >&2 <<'TXT'
Could not provision nats-server automatically. Install it by hand, then either put it on PATH
or point NATS_SERVER_PATH at the binary:
  Debian/Ubuntu:  sudo apt-get install nats-server
  macOS:          brew install nats-server
  Go toolchain:   go install github.com/nats-io/nats-server/v2@latest
  Container:      docker run -p 4222:4222 nats:latest -js   (then set nats.servers)
Tests that start servers look in .nats-server/<version>/, then NATS_SERVER_PATH, then PATH.
TXT
}

missing=()
for t in "${targets[@]}"; do
  dir="${t%%:*}"
  [ -x "$home/$dir/nats-server" ] || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "provision-nats-server: apt-get/dpkg not found (not a Debian-like machine)." >&2
  manual_help
  exit 1
fi

# The mirror comes from the machine's own apt sources; fall back to Debian's default mirror name.
mirror="$(grep -hoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)"
if [ -z "$mirror" ]; then
  mirror="$(grep -hoE '^deb\s+(\[[^]]*\]\s+)?\S+' /etc/apt/sources.list 2>/dev/null | awk '{print $NF}' | grep -v security | head -n1 || true)"
fi
if [ -z "$mirror" ]; then
  echo "provision-nats-server: no Debian mirror found in /etc/apt/sources.list(.d)." >&2
  manual_help
  exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for t in "${missing[@]}"; do
  IFS=: read -r dir suite prefix <<<"$t"
  apt_root="$work/$suite"
  mkdir -p "$apt_root/etc/sources.list.d" "$apt_root/etc/preferences.d" "$apt_root/lists/partial" \
           "$apt_root/cache/archives/partial" "$apt_root/deb"
  {
    echo "Types: deb"
    echo "URIs: $mirror"
    echo "Suites: $suite"
    echo "Components: main"
    [ -f "$keyring" ] && echo "Signed-By: $keyring"
  } > "$apt_root/etc/sources.list.d/nats.sources"
  apt_opts=(-o "Dir::Etc=$apt_root/etc" -o "Dir::Etc::sourcelist=/dev/null"
            -o "Dir::Etc::sourceparts=$apt_root/etc/sources.list.d"
            -o "Dir::Etc::preferencesparts=$apt_root/etc/preferences.d"
            -o "Dir::State=$apt_root" -o "Dir::State::Lists=$apt_root/lists"
            -o "Dir::Cache=$apt_root/cache" -o "Dir::State::status=/var/lib/dpkg/status"
            -o "APT::Sandbox::User=root" -q)
  echo "provision-nats-server: fetching nats-server from Debian $suite into $home/$dir" >&2
  if ! apt-get "${apt_opts[@]}" update >"$work/$suite.log" 2>&1 \
     || ! (cd "$apt_root/deb" && apt-get "${apt_opts[@]}" download nats-server >>"$work/$suite.log" 2>&1); then
    cat "$work/$suite.log" >&2
    echo "provision-nats-server: could not download nats-server from $mirror ($suite)." >&2
    manual_help
    exit 1
  fi
  dpkg -x "$apt_root"/deb/nats-server_*.deb "$apt_root/x"
  bin="$(find "$apt_root/x" -type f -name nats-server -perm -u+x | head -n1)"
  version="$("$bin" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1)"
  if [ -z "$version" ] || [[ "$version" != "$prefix"* ]]; then
    echo "provision-nats-server: $suite offers nats-server '$version', expected ${prefix:-any}x." >&2
    manual_help
    exit 1
  fi
  mkdir -p "$home/$dir"
  cp "$bin" "$home/$dir/nats-server.tmp" && mv "$home/$dir/nats-server.tmp" "$home/$dir/nats-server"
  echo "$version" > "$home/$dir/VERSION"
  echo "provision-nats-server: nats-server $version ready in $home/$dir" >&2
done
