#!/usr/bin/env bats
# Droplet on an initramfs root (where pivot_root is refused): the VM's first
# stage runs a container before it switch_roots and leaves the result in
# /initramfs-result. Only meaningful inside tests/vm/run.sh.

@test "initramfs: a container runs on the initramfs root (MS_MOVE + chroot fallback)" {
	[ -f /initramfs-result ] || skip "not in the VM (tests/vm/run.sh)"
	cat /initramfs-stderr >&2 || true
	run cat /initramfs-result
	echo "result: $output"
	[ "$output" = "0 initramfs-ok pid=1 initramfs" ]
}
