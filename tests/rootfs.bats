#!/usr/bin/env bats
# rootfs.bats: the container's filesystem (rootfs.c, mounts.c, devices.c):
# mounts[], /dev, masked and read-only paths, the overlay, symlinks in mount
# destinations, bundle etc/ files, bad input. Most tests go through
# `droplet run`; the ones that need a user namespace or no network setup use
# build/rootfs_driver (see tests/rootfs_driver.c for how to build it) and are
# skipped without it.

load helpers
bats_require_minimum_version 1.5.0

DRIVER=${DRIVER:-$REPO/bin/rootfs_driver}

# Container ids unique on the machine: other suites run at the same time.
setup() {
	common_setup
	ID=rf$$x$BATS_TEST_NUMBER
}
teardown() { common_teardown; }

# in_container SCRIPT: run `sh -c SCRIPT` in a container of $BUNDLE.
in_container() {
	cfg --arg s "$1" '.process.args = ["sh", "-c", $s]'
	run --separate-stderr dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -eq 0 ] || echo "$stderr" >&2
}

# add_mount JSON: append one entry to mounts[].
add_mount() { cfg --argjson m "$1" '.mounts += [$m]'; }

# A shell command printing "MOUNTPOINT FSTYPE" for each mount.
MOUNTS='awk "{ for (i = 7; \$i != \"-\"; i++); print \$5, \$(i + 1) }" /proc/self/mountinfo'

need_driver() { [ -x "$DRIVER" ] || skip "build/rootfs_driver not built"; }

@test "rootfs: the default mounts are there with their types" {
	in_container "$MOUNTS"
	[ "$status" -eq 0 ]
	for m in "/ ext4|/ xfs|/ btrfs|/ overlay|/ tmpfs" "/proc proc" "/dev tmpfs" "/dev/pts devpts" \
		"/dev/shm tmpfs" "/dev/mqueue mqueue" "/sys sysfs" "/sys/fs/cgroup cgroup2"; do
		echo "$output" | grep -Eqx "$m" || { echo "missing: $m"; echo "$output"; return 1; }
	done
	# never a v1 controller
	! echo "$output" | grep -q ' cgroup$'
}

@test "rootfs: /dev has working device nodes and the standard links" {
	in_container 'echo x >/dev/null && head -c 3 /dev/zero | od -An -tx1 &&
		stat -c "%n %F %t:%T %a" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty &&
		for l in ptmx fd stdin stdout stderr core; do readlink /dev/$l; done'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = " 00 00 00" ]
	[ "${lines[1]}" = "/dev/null character special file 1:3 666" ]
	[ "${lines[2]}" = "/dev/zero character special file 1:5 666" ]
	[ "${lines[3]}" = "/dev/full character special file 1:7 666" ]
	[ "${lines[6]}" = "/dev/tty character special file 5:0 666" ]
	[ "${lines[7]}" = "pts/ptmx" ]
	[ "${lines[8]}" = "/proc/self/fd" ]
	[ "${lines[12]}" = "/proc/kcore" ]
}

@test "rootfs: without a /dev mount the rootfs /dev is left alone" {
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
	touch "$BUNDLE/rootfs/dev/marker"
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
	in_container 'ls /dev'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'marker\nnull')" ]
}

@test "rootfs: linux.devices are created with mode and owner" {
	cfg '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 384, "uid": 7, "gid": 8},
		{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]'
	in_container 'stat -c "%n %F %t:%T %a %u:%g" /dev/mynull /dev/net/tun; echo x >/dev/mynull && echo written'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/dev/mynull character special file 1:3 600 7:8" ]
	[ "${lines[1]}" = "/dev/net/tun character special file a:c8 666 0:0" ]
	[ "${lines[2]}" = "written" ]
}

@test "rootfs: masked paths are empty and read-only, missing ones are skipped" {
	mkdir -p "$BUNDLE/rootfs/secretdir"
	echo secret >"$BUNDLE/rootfs/secretdir/f"
	echo secret >"$BUNDLE/rootfs/secretfile"
	cfg '.linux.maskedPaths += ["/secretdir", "/secretfile", "/does/not/exist"]'
	in_container 'cat /secretfile; ls -A /secretdir; probe mkdir /secretdir/x; wc -c </proc/timer_list; ls -A /sys/firmware'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'errno 30 Read-only file system\n0')" ]
}

@test "rootfs: without /dev/null masked dirs still work" {
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
	mkdir -p "$BUNDLE/rootfs/secretdir"
	touch "$BUNDLE/rootfs/secretdir/f"
	cfg '.linux.maskedPaths = ["/secretdir", "/missing"]'
	in_container 'ls -A /secretdir; echo done'
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
}

@test "rootfs: a masked file is refused when /dev/null is not the null device" {
	# A rootfs whose /dev/null is a symlink to a host file (CVE-2025-31133).
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
	ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	echo x >"$BUNDLE/rootfs/secretfile"
	cfg '.linux.maskedPaths = ["/secretfile"]'
	in_container 'true'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'linux.maskedPaths[0] "/secretfile": "/dev/null" is not the null device'* ]]
}

@test "rootfs: readonly paths and root.readonly" {
	mkdir -p "$BUNDLE/rootfs/data"
	cfg '.linux.readonlyPaths += ["/data", "/missing"] | .root.readonly = true'
	in_container 'probe mkdir /data/x; probe mkdir /newdir; probe mkdir /dev/shm/x
		awk "\$5 == \"/proc/sys\" || \$5 == \"/data\" {print \$5, \$6}" /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 30 Read-only file system" ]
	[ "${lines[1]}" = "errno 30 Read-only file system" ]
	[ "${lines[2]}" = "ok 0" ]
	[ "${lines[3]}" = "/proc/sys ro,nosuid,nodev,noexec,relatime" ]
	[ "${lines[4]}" = "/data ro,nosuid,nodev,noexec,relatime" ]
}

@test "rootfs: bind mounts: ro dir, file onto a missing destination, relative source" {
	mkdir -p "$TEST_ROOT/vol"
	echo hello >"$TEST_ROOT/vol/f"
	echo filedata >"$BUNDLE/afile"
	add_mount "{\"destination\": \"/vol\", \"type\": \"bind\", \"source\": \"$TEST_ROOT/vol\", \"options\": [\"rbind\", \"ro\"]}"
	add_mount '{"destination": "/new/dir/file", "type": "bind", "source": "afile", "options": ["bind"]}'
	in_container 'cat /vol/f; probe mkdir /vol/x; cat /new/dir/file'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hello\nerrno 30 Read-only file system\nfiledata')" ]
	[ ! -e "$TEST_ROOT/vol/x" ]
}

@test "rootfs: a destination through a symlink out of the rootfs stays inside" {
	ln -s /etc "$BUNDLE/rootfs/evil"
	ln -s ../../../../../../etc "$BUNDLE/rootfs/evil2"
	add_mount '{"destination": "/evil/droplet-escape-1", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/evil2/droplet-escape-2", "type": "tmpfs", "source": "tmpfs"}'
	in_container "$MOUNTS | grep escape"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '/etc/droplet-escape-1 tmpfs\n/etc/droplet-escape-2 tmpfs')" ]
	[ -d "$BUNDLE/rootfs/etc/droplet-escape-1" ]
	[ -d "$BUNDLE/rootfs/etc/droplet-escape-2" ]
	[ ! -e /etc/droplet-escape-1 ]
	[ ! -e /etc/droplet-escape-2 ]
}

@test "rootfs: overlay from two lower layers and an upper dir" {
	local img=$TEST_ROOT/img
	mkdir -p "$img/l2"
	mv "$BUNDLE/rootfs" "$img/l1"
	echo layer2 >"$img/l2/from-l2"
	local conf
	conf=$(jq -cn --arg i "$img" '{rootfsType: "overlay", imageLayer: [$i + "/l2", $i + "/l1"],
		upperDir: ($i + "/upper"), workDir: ($i + "/work")}')
	cfg --arg c "$conf" --arg r "$img/merged" '.annotations["io.raind.image.config"] = $c | .root.path = $r'
	in_container "cat /from-l2 && echo new >/newfile && rm /from-l2 && $MOUNTS | grep '^/ '"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'layer2\n/ overlay')" ]
	[ "$(cat "$img/upper/newfile")" = new ]
	[ -e "$img/l2/from-l2" ]
	[ ! -e "$img/l1/newfile" ]
}

@test "rootfs: the bundle's etc/hosts and etc/hostname are bound, unless mounts[] has them" {
	mkdir -p "$BUNDLE/etc"
	echo "10.0.0.1 box" >"$BUNDLE/etc/hosts"
	echo box >"$BUNDLE/etc/hostname"
	echo "other" >"$TEST_ROOT/h2"
	add_mount "{\"destination\": \"/etc/hostname\", \"type\": \"bind\", \"source\": \"$TEST_ROOT/h2\", \"options\": [\"bind\"]}"
	in_container 'cat /etc/hosts /etc/hostname; test -e /etc/resolv.conf || echo no-resolv'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.0.0.1 box\nother\nno-resolv')" ]
}

@test "rootfs: missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'root.path "'*'rootfs": No such file or directory'* ]]
}

@test "rootfs: rootfs is a file" {
	rm -rf "$BUNDLE/rootfs"
	echo x >"$BUNDLE/rootfs"
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'root.path "'*'rootfs": '*'ot a directory'* ]]
}

@test "rootfs: bind source missing" {
	add_mount '{"destination": "/data", "type": "bind", "source": "/nope", "options": ["bind"]}'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7] "/data": source "/nope": No such file or directory'* ]]
}

@test "rootfs: a symlink loop in a destination" {
	ln -s loop2 "$BUNDLE/rootfs/loop1"
	ln -s loop1 "$BUNDLE/rootfs/loop2"
	add_mount '{"destination": "/loop1/x", "type": "tmpfs", "source": "tmpfs"}'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7] "/loop1/x": '*'Symbolic link loop'* ]]
}

@test "rootfs: a destination under a file" {
	add_mount '{"destination": "/bin/busybox/x", "type": "tmpfs", "source": "tmpfs"}'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7] "/bin/busybox/x": '*'Not a directory'* ]]
}

@test "rootfs: tmpcopyup is refused" {
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7] "/tmp": tmpcopyup is not supported'* ]]
}

# ---- through the driver ----

@test "rootfs driver: in a user namespace devices are bound from the host, /sys is bound" {
	need_driver
	run "$DRIVER" -U "$BUNDLE" sh -c "echo x >/dev/null && stat -c %t:%T /dev/null /dev/urandom &&
		$MOUNTS | grep -E '^/(sys|dev/null) '"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1:3\n1:9\n/sys sysfs\n/dev/null devtmpfs')" ]
}

@test "rootfs driver: the pty slave is bound on /dev/console" {
	need_driver
	run "$DRIVER" -t "$BUNDLE" stat -c "%F %t" /dev/console
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 88" ]
}

@test "rootfs driver: resolv.conf is written from the Raind DNS servers" {
	need_driver
	local net='{"hostInterface":"eth0","bridgeInterface":"raind0","interface":{"name":"rd_x","dns":{"servers":["1.1.1.1","8.8.8.8"]}}}'
	cfg --arg n "$net" '.annotations["io.raind.net.config"] = $n'
	run "$DRIVER" "$BUNDLE" cat /etc/resolv.conf
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'nameserver 1.1.1.1\nnameserver 8.8.8.8')" ]
	[ "$(cat "$BUNDLE/etc/resolv.conf")" = "$output" ]
}
