#!/bin/sh
# icons.sh — renders the PNG icons in www/icons from the SVG sources in
# tools/icons (run once after changing a source; the PNGs are committed).
# Needs rsvg-convert (Debian librsvg2-bin).
set -eu
cd "$(dirname "$0")/.."
out=www/icons
mkdir -p "$out"
cp tools/icons/logo.svg "$out/logo.svg"
rsvg-convert -w 192 -h 192 tools/icons/logo.svg -o "$out/icon-192.png"
rsvg-convert -w 512 -h 512 tools/icons/logo.svg -o "$out/icon-512.png"
rsvg-convert -w 512 -h 512 tools/icons/maskable.svg -o "$out/maskable-512.png"
rsvg-convert -w 180 -h 180 tools/icons/maskable.svg -o "$out/apple-touch-icon.png"
for s in feed diaper sleep; do
    rsvg-convert -w 96 -h 96 "tools/icons/$s.svg" -o "$out/$s-96.png"
done
