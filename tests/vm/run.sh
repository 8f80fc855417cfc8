#!/bin/bash
# tests/vm/run.sh: run bats suites inside a throw-away QEMU VM with a pure
# cgroup v2 hierarchy (all controllers), for what this host cannot show.
#
# Usage:  tests/vm/run.sh [BATS_FILE...]        (default: tests/cgroup.bats)
#   e.g.  make && make bin/probe && tests/vm/run.sh tests/cgroup.bats tests/net.bats
# Exit code: the bats exit code inside the VM; 124 if the VM timed out;
#            2 if the VM never printed its result marker.
# Environment:
#   VM_TIMEOUT=300   seconds before the VM is killed
#   VM_MEM=1024      MiB of guest memory
#   VM_WORK=DIR      where the initramfs is built (default /tmp/droplet-vm)
#   VM_SHELL=1       drop to a shell in the VM instead of running bats
#   BATS_ARGS=...    extra bats arguments (e.g. "-f pids")
#   VM_EXTRA_BINS="ip nsenter"  host programs copied in with their libraries
#                    (default: iproute2's ip, replacing busybox's applet)
#
# What it does: installs qemu-system-x86, linux-image-amd64, busybox-static,
# bash-static, bats and jq if missing; packs an initramfs (cpio newc, gzip)
# with busybox (+applets), bash-static, bats, jq with its libraries, the
# repo's bin/droplet and bin/probe, tests/*.bash, the requested .bats files
# and the modules overlay, llc, stp, bridge, veth; boots it without KVM
# (nested KVM hangs here). The guest's /init copies itself to a tmpfs and
# switch_roots (pivot_root does not work on the initramfs rootfs), mounts
# proc/sys/dev/cgroup2, loads the modules, enables the cgroup controllers,
# runs bats --tap and prints "DROPLET-VM-RESULT <rc>" before powering off.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
VM_TIMEOUT=${VM_TIMEOUT:-300}
VM_MEM=${VM_MEM:-1024}
VM_WORK=${VM_WORK:-/tmp/droplet-vm}
MARKER=DROPLET-VM-RESULT

log() { echo "vm: $*" >&2; }

install_deps() {
	local missing=() pkg
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	compgen -G '/boot/vmlinuz-*' >/dev/null || missing+=(linux-image-amd64)
	[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing+=(busybox-static)
	[ -x /bin/bash-static ] || missing+=(bash-static)
	command -v bats >/dev/null || missing+=(bats)
	command -v jq >/dev/null || missing+=(jq)
	command -v cpio >/dev/null || missing+=(cpio)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	apt-get update -qq
	INITRD=No DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The newest kernel that has both an image and its modules.
pick_kernel() {
	local v
	for v in $(ls /lib/modules | sort -rV); do
		[ -f "/boot/vmlinuz-$v" ] && { echo "$v"; return 0; }
	done
	log "no /boot/vmlinuz-* with matching /lib/modules"
	return 1
}

# copy_with_libs BIN DEST_ROOT: a dynamic binary and what ldd says it needs.
copy_with_libs() {
	local bin=$1 root=$2 lib
	install -D -m 0755 "$bin" "$root$bin"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# copy_module KVER NAME DEST_ROOT: kernel/.../NAME.ko[.xz|.zst], decompressed.
copy_module() {
	local kver=$1 name=$2 root=$3 src
	src=$(find "/lib/modules/$kver/kernel" -name "$name.ko*" | head -1)
	[ -n "$src" ] || { log "module $name not found (built in?)"; return 0; }
	case $src in
	*.xz) xz -dc "$src" >"$root/modules/$name.ko" ;;
	*.zst) zstd -dcq "$src" >"$root/modules/$name.ko" ;;
	*.gz) gzip -dc "$src" >"$root/modules/$name.ko" ;;
	*) cp "$src" "$root/modules/$name.ko" ;;
	esac
}

write_init() {
	local root=$1
	cat >"$root/init" <<'EOF'
#!/bin/sh
# Stage 1: move to a tmpfs root so that pivot_root works in containers.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
mkdir -p /newroot
mount -t tmpfs -o mode=0755 tmpfs /newroot
for d in bin sbin usr lib lib64 etc repo modules init2 vm-tests; do
	[ -e "/$d" ] && cp -a "/$d" /newroot/
done
mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/run /newroot/root
# Droplet on the initramfs itself, as our users ship it: pivot_root is not
# allowed on the rootfs, so this exercises the MS_MOVE + chroot fallback.
# tests/initramfs.bats reads the result in stage 2.
mkdir -p /ib/rootfs/bin /ib/rootfs/proc /ib/rootfs/dev /ib/rootfs/sys /ib/rootfs/tmp /ib/rootfs/etc
cp /bin/busybox /ib/rootfs/bin/busybox
for a in sh echo cat grep; do ln -s busybox /ib/rootfs/bin/$a; done
/repo/bin/droplet spec --output /ib --ns pid --ns mount --ns uts --ns ipc --hostname initramfs \
	--command "sh -c 'echo initramfs-ok pid=\$\$; hostname; true'" >/dev/null 2>&1
out=$(/repo/bin/droplet --root /run/droplet-ib run --bundle /ib i1 2>/newroot/initramfs-stderr)
echo "$? $(echo $out)" >/newroot/initramfs-result
mount --move /dev /newroot/dev
umount /proc
exec switch_root /newroot /init2
EOF
	cat >"$root/init2" <<'EOF'
#!/bin/sh
# Stage 2: a minimal host for droplet, then bats.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname droplet-vm
ip link set lo up
for m in overlay llc stp bridge veth; do
	[ -f /modules/$m.ko ] && { insmod /modules/$m.ko || echo "vm: insmod $m failed"; }
done
for c in cpuset cpu io memory hugetlb pids rdma misc; do
	grep -qw $c /sys/fs/cgroup/cgroup.controllers &&
		{ echo +$c >/sys/fs/cgroup/cgroup.subtree_control || echo "vm: cannot enable $c"; }
done
echo "vm: kernel $(uname -r), controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd /repo
if [ -f /vm-tests/shell ]; then
	setsid cttyhack sh
	rc=0
else
	set -- $(cat /vm-tests/files)
	bats --tap $(cat /vm-tests/args) "$@"
	rc=$?
fi
echo "DROPLET-VM-RESULT $rc"
sync
poweroff -f
EOF
	chmod 0755 "$root/init" "$root/init2"
}

build_initramfs() {
	local kver=$1 out=$2 root f app
	shift 2
	root=$VM_WORK/root
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,etc,modules,proc,sys,dev,tmp,repo/bin,repo/tests,vm-tests}
	cp /bin/busybox "$root/bin/busybox"
	for app in $("$root/bin/busybox" --list); do
		[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
	done
	rm -f "$root/bin/bash"
	cp /bin/bash-static "$root/bin/bash"
	ln -sf /bin/bash "$root/usr/bin/bash"
	ln -sf /bin/busybox "$root/usr/bin/env"
	# bats: the launcher script plus its libexec and lib trees.
	cp "$(command -v bats)" "$root/usr/bin/bats"
	for d in /usr/lib/bats-core /usr/libexec/bats-core /usr/lib/bats /usr/libexec/bats; do
		[ -d "$d" ] && mkdir -p "$root$(dirname "$d")" && cp -a "$d" "$root$d"
	done
	copy_with_libs "$(readlink -f "$(command -v jq)")" "$root"
	[ -e "$root/usr/bin/jq" ] || ln -sf "$(readlink -f "$(command -v jq)")" "$root/usr/bin/jq"
	for f in ${VM_EXTRA_BINS-ip}; do
		f=$(command -v "$f") || continue
		rm -f "$root/bin/$(basename "$f")" "$root/sbin/$(basename "$f")"
		copy_with_libs "$(readlink -f "$f")" "$root"
		[ -e "$root/bin/$(basename "$f")" ] || ln -sf "$(readlink -f "$f")" "$root/bin/$(basename "$f")"
	done
	for m in overlay llc stp bridge veth; do copy_module "$kver" "$m" "$root"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	cp "$REPO/bin/droplet" "$REPO/bin/probe" "$root/repo/bin/"
	cp "$REPO"/tests/*.bash "$root/repo/tests/"
	for f in "$@"; do
		cp "$f" "$root/repo/tests/"
		echo "tests/$(basename "$f")" >>"$root/vm-tests/files"
	done
	[ -n "${VM_SHELL:-}" ] && touch "$root/vm-tests/shell"
	echo "${BATS_ARGS:-}" >"$root/vm-tests/args"
	write_init "$root"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

main() {
	local files=("$@") kver initrd rc
	[ ${#files[@]} -gt 0 ] || files=("$REPO/tests/cgroup.bats")
	for f in "${files[@]}"; do [ -f "$f" ] || { log "no such bats file: $f"; exit 2; }; done
	for f in "$REPO/bin/droplet" "$REPO/bin/probe"; do
		[ -x "$f" ] || { log "build $f first (make && make bin/probe)"; exit 2; }
	done
	install_deps
	kver=$(pick_kernel)
	mkdir -p "$VM_WORK"
	initrd=$VM_WORK/initrd.gz
	build_initramfs "$kver" "$initrd" "${files[@]}"
	log "booting $kver ($(du -h "$initrd" | cut -f1) initramfs), timeout ${VM_TIMEOUT}s"
	local qemu=(qemu-system-x86_64 -m "$VM_MEM" -smp 2 -nographic -no-reboot
		-kernel "/boot/vmlinuz-$kver" -initrd "$initrd"
		-append "console=ttyS0 quiet panic=-1")
	if [ -n "${VM_SHELL:-}" ]; then
		"${qemu[@]}"
		return
	fi
	rc=0
	timeout --foreground -k 5 "$VM_TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
		tee "$VM_WORK/console.log" || rc=$?
	if grep -q "^$MARKER " "$VM_WORK/console.log"; then
		exit "$(grep "^$MARKER " "$VM_WORK/console.log" | tail -1 | awk '{print $2}')"
	fi
	[ "$rc" = 124 ] && { log "timed out after ${VM_TIMEOUT}s"; exit 124; }
	log "no result marker; console in $VM_WORK/console.log"
	exit 2
}

main "$@"
