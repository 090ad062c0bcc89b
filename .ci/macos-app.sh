#!/usr/bin/env bash
# Makes Crossings.app (both Apple silicon and Intel in one binary) and zips it, on macOS:
#   bash .ci/macos-app.sh OUT_DIR
# The release workflow runs it; it needs Xcode's command-line tools (lipo, iconutil, ditto).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/package}"
rustup target add aarch64-apple-darwin x86_64-apple-darwin
cargo build --release --target aarch64-apple-darwin
cargo build --release --target x86_64-apple-darwin
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
app="$out/Crossings.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
lipo -create -output "$app/Contents/MacOS/crossings" \
  target/aarch64-apple-darwin/release/crossings target/x86_64-apple-darwin/release/crossings
iconset="$out/crossings.iconset"
mkdir -p "$iconset"
for size in 16 32 128 256 512; do
  "$app/Contents/MacOS/crossings" icon --size "$size" >"$iconset/icon_${size}x${size}.png"
  "$app/Contents/MacOS/crossings" icon --size $((size * 2)) >"$iconset/icon_${size}x${size}@2x.png"
done
iconutil -c icns "$iconset" -o "$app/Contents/Resources/crossings.icns"
cat >"$app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleName</key><string>Crossings</string>
  <key>CFBundleDisplayName</key><string>Crossings</string>
  <key>CFBundleIdentifier</key><string>org.crossings.atlas</string>
  <key>CFBundleVersion</key><string>$version</string>
  <key>CFBundleShortVersionString</key><string>$version</string>
  <key>CFBundleExecutable</key><string>crossings</string>
  <key>CFBundleIconFile</key><string>crossings.icns</string>
  <key>CFBundlePackageType</key><string>APPL</string>
  <key>LSApplicationCategoryType</key><string>public.app-category.education</string>
  <key>LSMinimumSystemVersion</key><string>11.0</string>
  <key>NSHighResolutionCapable</key><true/>
</dict>
</plist>
PLIST
plutil -lint "$app/Contents/Info.plist"
"$app/Contents/MacOS/crossings" --version
(cd "$out" && ditto -c -k --keepParent Crossings.app "Crossings-$version-macos.zip")
ls -la "$out/Crossings-$version-macos.zip"
