#!/usr/bin/env bash
# Records a SeaBIOS fixture from real QEMU: boots CONFIG (a vfio-sim YAML machine) in qemu-system-x86_64
# with isa-debugcon on port 0x402 and QMP, waits for SeaBIOS's e820 dump (or its panic), asks query-pci,
# and writes PREFIX.json ({config, qemu_args, expected: {bars, e820, devices, windows}}, the shape of
# shared/fixtures/seabios) and PREFIX.seabios.log. The config's profile picks the QEMU: `qemu: "7.2"` runs the
# host's Debian 12 qemu-system-x86 + seabios (apt-get install qemu-system-x86 seabios); `qemu: "10.0"` (the
# default) runs Debian 13's inside a trixie chroot at $QEMU10_ROOT (default /srv/chroot/trixie; build it with
# scripts/setup-trixie-chroot.sh). TCG, -display none; QEMU is told to quit over QMP.
# Usage: scripts/record-seabios.sh CONFIG.yaml [PREFIX]     (PREFIX defaults to CONFIG without .yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/record-seabios.sh CONFIG.yaml [PREFIX]" >&2; exit 2; }
if [ ! -f dist/vmm/frontends/config/index.js ] || [ -n "${REBUILD:-}" ]; then npx tsc -p tsconfig.build.json >/dev/null || true; fi
exec node scripts/record-seabios.mjs "$@"
