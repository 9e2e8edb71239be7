#!/usr/bin/env bash
# Renders an address map to PNG with headless Chromium (Debian: apt-get install -y chromium), to look at it.
# Usage: scripts/render-map.sh INPUT OUT.png [WIDTHxHEIGHT]
#   INPUT .svg / .html   rendered as is
#   INPUT .json          a BootReport (e.g. one line of `vfio-sim boot --json`) → SVG via dist/
#   INPUT .yaml          a machine config, booted as `vfio-sim map CONFIG --svg` does (env STRATEGY, VBIOS)
# Without a size, an SVG is shot at its own width × height (capped at 8000 px tall); HTML at 1400x1000.
set -euo pipefail
cd "$(dirname "$0")/.."
in=${1:?usage: scripts/render-map.sh INPUT OUT.png [WIDTHxHEIGHT]}
out=${2:?usage: scripts/render-map.sh INPUT OUT.png [WIDTHxHEIGHT]}
size=${3:-}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "render-map: no chromium (apt-get install -y chromium)" >&2; exit 3; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build() { [ -f dist/vmm/frontends/map/index.js ] && [ -z "${REBUILD:-}" ] || npx tsc -p tsconfig.build.json >/dev/null || true; }
case "$in" in
  *.json)
    build
    node --input-type=module -e "
      import { readFileSync, writeFileSync } from 'node:fs';
      import { renderMapSvg } from '$PWD/dist/vmm/frontends/map/index.js';
      const text = readFileSync(process.argv[1], 'utf8').trim();
      let report; try { report = JSON.parse(text); } catch { report = JSON.parse(text.split('\n')[0]); }
      writeFileSync(process.argv[2], renderMapSvg(report));" "$in" "$tmp/map.svg"
    page="$tmp/map.svg" ;;
  *.yaml|*.yml)
    build
    # Booted here through the library (STRATEGY / VBIOS env override the config's own), like `vfio-sim map`.
    node --input-type=module -e "
      import { writeFileSync } from 'node:fs';
      import { bootSpec } from '$PWD/dist/vmm/core/boot/index.js';
      import { loadConfigFile } from '$PWD/dist/vmm/frontends/config/index.js';
      import { renderMapSvg } from '$PWD/dist/vmm/frontends/map/index.js';
      const r = loadConfigFile(process.argv[1]);
      if (!r.ok) { console.error(r.errors.map((e) => e.message).join('\\n')); process.exit(2); }
      const o = { configPath: process.argv[1] };
      if (process.env.STRATEGY) o.strategy = process.env.STRATEGY;
      if (process.env.VBIOS) o.vbios = process.env.VBIOS;
      writeFileSync(process.argv[2], renderMapSvg(bootSpec(r.spec, o).report));" "$in" "$tmp/map.svg"
    page="$tmp/map.svg" ;;
  *) page=$(realpath "$in") ;;
esac
if [ -z "$size" ]; then
  if [[ "$page" == *.svg ]]; then
    w=$(grep -o -m1 '<svg[^>]*width="[0-9]*"' "$page" | sed 's/.*width="\([0-9]*\)"/\1/')
    h=$(grep -o -m1 '<svg[^>]*height="[0-9]*"' "$page" | sed 's/.*height="\([0-9]*\)"/\1/')
    size="${w:-1400}x$(( ${h:-1000} > 8000 ? 8000 : ${h:-1000} ))"
  else
    size=1400x1000
  fi
fi
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$tmp/profile" \
  --screenshot="$(realpath -m "$out")" --window-size="${size/x/,}" "file://$page" >"$tmp/chromium.log" 2>&1 \
  || { cat "$tmp/chromium.log" >&2; exit 1; }
[ -s "$out" ] || { echo "render-map: no PNG written" >&2; cat "$tmp/chromium.log" >&2; exit 1; }
echo "$out ($size)"
