#!/usr/bin/env bash
# Builds the Linux packages and checks them as a user's system would. `.ci/run` calls it last;
# a developer can run it alone (as root, or with sudo):   bash .ci/package.sh
#
# - the release binary the tests run against (`cargo test --release` builds it; .ci/run ran it
#   just before, so nothing is built again); the man page, the shell completions and the icons made by the binary itself;
# - the .deb (cargo-deb): lintian finds no error, desktop-file-validate passes, `man -l` renders
#   the page, and its Depends are exactly the packages of the libraries the binary loads at run
#   time (LD_DEBUG under Xvfb);
# - installed into a fresh Debian root (debootstrap --variant=minbase, dpkg -i, apt-get -f
#   install), where `crossings --version` and `crossings validate` must run;
# - a portable tarball for other distributions, unpacked and run.
# Needs the network to deb.debian.org and crates.io (cargo-deb).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step says how long the run has taken so far, so a slow step shows in the log.
export CI_START="${CI_START:-$(date +%s)}"
step() { printf '== [%5d s] %s\n' "$(( $(date +%s) - CI_START ))" "$*"; }
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends \
    lintian debootstrap desktop-file-utils man-db groff-base xvfb xauth >/dev/null
fi
if ! command -v cargo-deb >/dev/null 2>&1; then
  step "installing cargo-deb"
  cargo install cargo-deb --locked --quiet
fi

# The binary `cargo test --release` built and tested: the same code as `cargo build --release`,
# with the features the test dependencies switch on in shared crates (serde_json's exact float
# round trip among them). Building it the other way would compile a dozen crates again.
step "release build (the one the tests ran against)"
cargo test --release --no-run --quiet
bin=target/release/crossings
out=target/package
version=$("$bin" --version | cut -d' ' -f2)
rm -rf "$out"
mkdir -p "$out/completions"

step "man page, completions and icons from the binary"
"$bin" manpage | gzip -9n >"$out/crossings.1.gz"
"$bin" completions bash >"$out/completions/crossings"
"$bin" completions zsh >"$out/completions/_crossings"
"$bin" completions fish >"$out/completions/crossings.fish"
for size in 16 32 48 64 128 256; do
  mkdir -p "$out/icons/${size}x${size}"
  "$bin" icon --size "$size" >"$out/icons/${size}x${size}/crossings.png"
done
desktop-file-validate assets/linux/crossings.desktop
MANWIDTH=80 MANPAGER=cat man -l "$out/crossings.1.gz" | grep -q "validate" \
  || { echo "the man page does not render or lacks 'validate'"; exit 1; }

step "the .deb"
cargo deb --no-build --strip --quiet --output "$out/"
deb=$(ls "$out"/*.deb)
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
step "lintian (no errors)"
lintian --fail-on error "$deb" || { echo "lintian found errors"; exit 1; }

step "Depends against the libraries the binary loads (X11, under Xvfb)"
ld="$out/ld-debug"
mkdir -p "$ld"
LD_DEBUG=files LD_DEBUG_OUTPUT="$ld/trace" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}" \
  timeout 15 xvfb-run -a -s "-screen 0 1400x900x24" "$bin" >/dev/null 2>&1 || true
sonames=$(cat "$ld"/trace.* | grep -E "(needed|dynamically loaded) by [^ ]*crossings" \
  | sed -E 's/^[[:space:]]*[0-9]+:[[:space:]]*file=([^ ]+).*/\1/' | sort -u)
[ -n "$sonames" ] || { echo "no libraries seen: did the window start?"; exit 1; }
loaded=$(for so in $sonames; do
  path=$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')
  # dpkg knows a file by the path it installed (/lib or /usr/lib on a merged /usr): try both.
  [ -n "$path" ] && { dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null; } | head -n 1 | cut -d: -f1
done | sort -u)
declared=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/ //g; s/(.*//' | sort -u)
echo "loaded:   $(echo $loaded)"
echo "declared: $(echo $declared)"
if [ "$loaded" != "$declared" ]; then
  echo "Depends differs from the libraries loaded at run time"
  diff <(echo "$declared") <(echo "$loaded") || true
  exit 1
fi

step "installed into a fresh Debian root"
root=$(mktemp -d /tmp/crossings-root.XXXXXX)
cleanup() {
  $SUDO umount "$root/proc" 2>/dev/null || true
  $SUDO rm -rf "$root"
}
trap cleanup EXIT
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
$SUDO debootstrap --variant=minbase "$codename" "$root" http://deb.debian.org/debian >"$out/debootstrap.log" 2>&1 \
  || { tail -n 20 "$out/debootstrap.log"; exit 1; }
$SUDO cp "$deb" "$root/tmp/crossings.deb"
$SUDO mount -t proc proc "$root/proc"
$SUDO chroot "$root" apt-get update -qq >/dev/null
if ! $SUDO chroot "$root" dpkg -i /tmp/crossings.deb >/dev/null 2>&1; then
  $SUDO chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq >/dev/null
fi
$SUDO chroot "$root" dpkg -s crossings | grep -q "Status: install ok installed"
inside=$($SUDO chroot "$root" crossings --version)
echo "inside: $inside"
[ "$inside" = "$("$bin" --version)" ] || { echo "the installed binary says '$inside'"; exit 1; }
$SUDO chroot "$root" crossings validate | tail -n 1
$SUDO chroot "$root" test -f /usr/share/applications/crossings.desktop
$SUDO chroot "$root" test -f /usr/share/icons/hicolor/256x256/apps/crossings.png

step "portable tarball"
name="crossings-$version-x86_64-linux"
stage="$out/$name"
mkdir -p "$stage/share/applications" "$stage/share/man/man1"
cp "$bin" "$stage/"
strip "$stage/crossings"
cp assets/linux/crossings.desktop "$stage/share/applications/"
cp -r "$out/icons" "$stage/share/icons"
cp "$out/crossings.1.gz" "$stage/share/man/man1/"
cp -r "$out/completions" "$stage/share/completions"
cp README.md LICENSE-MIT LICENSE-APACHE assets/basemap/LICENSE-world-atlas assets/fonts/LICENSE-OFL.txt "$stage/"
tar -C "$out" -czf "$out/$name.tar.gz" "$name"
check=$(mktemp -d)
tar -C "$check" -xzf "$out/$name.tar.gz"
"$check/$name/crossings" validate | tail -n 1
rm -rf "$check"
ls -la "$out"/*.deb "$out"/*.tar.gz
step "packages built and checked"
