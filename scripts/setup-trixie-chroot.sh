#!/bin/sh
# Build a Debian 13 (trixie) chroot holding the modern virtualization stack (QEMU 10.0, SeaBIOS
# 1.16.3, OVMF 2025.02) on a Debian 12 host, without touching the host's apt sources.
#
# Usage (as root):
#   setup-trixie-chroot.sh [CHROOT_DIR]         create (or complete) the chroot and mount proc/dev
#   setup-trixie-chroot.sh --mount [CHROOT_DIR]  only mount proc/dev again (e.g. after a reboot)
#   setup-trixie-chroot.sh --umount [CHROOT_DIR] unmount proc/dev
#   setup-trixie-chroot.sh --print-mirror        print the mirror that would be used, and exit
# CHROOT_DIR defaults to $TRIXIE_ROOT, else /srv/chroot/trixie.
# The Debian mirror is the one the host already uses (read from /etc/apt/sources.list.d/*.sources,
# *.list, or /etc/apt/sources.list); set DEBIAN_MIRROR=URL to use another one.
#
# Only the host package debootstrap is installed on the host; everything else goes into the chroot.
set -eu

mode=setup
case "${1:-}" in
    --mount) mode=mount; shift ;;
    --umount) mode=umount; shift ;;
    --print-mirror) mode=mirror; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
esac
ROOT=${1:-${TRIXIE_ROOT:-/srv/chroot/trixie}}

mount_fs() {
    mkdir -p "$ROOT/proc" "$ROOT/dev"
    mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
    mountpoint -q "$ROOT/dev" || mount --bind /dev "$ROOT/dev"
}
umount_fs() {
    if mountpoint -q "$ROOT/dev"; then umount "$ROOT/dev"; fi
    if mountpoint -q "$ROOT/proc"; then umount "$ROOT/proc"; fi
}

# The host's Debian mirror: the first URI of an enabled source for the host's own suite.
host_mirror() {
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        # deb822 stanzas are separated by blank lines; comments start with '#'
        awk -v suite="$codename" '
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { if (ok && deb && uri != "" && en != "no") { print uri; exit } ok = 0; deb = 0; uri = ""; en = ""; next }
            tolower($1) == "types:"   { deb = 0; for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
            tolower($1) == "enabled:" { en = tolower($2) }
            tolower($1) == "uris:"    { uri = $2 }
            tolower($1) == "suites:"  { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
            END { if (ok && deb && uri != "" && en != "no") print uri }' "$f" | head -n 1
    done
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
        [ -e "$f" ] || continue
        # deb [options] URI SUITE COMPONENTS...
        sed -e 's/\[[^]]*\]//' "$f" | awk -v suite="$codename" '$1 == "deb" && $3 == suite { print $2; exit }'
    done
}
find_mirror() {
    MIRROR=${DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
    [ -n "$MIRROR" ] || { echo "no Debian mirror found in /etc/apt; set DEBIAN_MIRROR=URL" >&2; exit 1; }
}
[ "$mode" = mirror ] && { find_mirror; echo "$MIRROR"; exit 0; }

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
case $mode in
    mount) mount_fs; echo "mounted proc and dev in $ROOT"; exit 0 ;;
    umount) umount_fs; echo "unmounted proc and dev in $ROOT"; exit 0 ;;
esac
find_mirror
echo "chroot: $ROOT"
echo "mirror: $MIRROR"

command -v debootstrap >/dev/null || { apt-get update; apt-get install -y debootstrap; }
if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    mkdir -p "$ROOT"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"      # about 40 s
fi
mount_fs
chroot "$ROOT" apt-get update
# qemu-system-modules-spice is REQUIRED for qxl/qxl-vga: in trixie they are a loadable module
# (hw-display-qxl.so); without it QEMU 10 says "'qxl' is not a valid device model name".
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    qemu-system-x86 qemu-system-modules-spice seabios ovmf ipxe-qemu
echo "installed in $ROOT:"
chroot "$ROOT" dpkg-query -W -f '  ${Package} ${Version}\n' \
    qemu-system-x86 qemu-system-modules-spice seabios ovmf ipxe-qemu
chroot "$ROOT" qemu-system-x86_64 --version | head -n 1
echo "proc and dev stay mounted in $ROOT; '$0 --umount $ROOT' unmounts them."
