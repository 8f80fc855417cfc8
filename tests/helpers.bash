# tests/helpers.bash: shared setup for every bats suite.
#   load helpers        (in each .bats file)
#   setup()    { common_setup; }
#   teardown() { common_teardown; }
# Gives: $DROPLET, $TEST_ROOT (fresh temp dir), $STATE (a fresh --root),
# $BUNDLE (bundle dir with rootfs/ made from busybox-static + the probe and a
# config.json from `droplet spec`), dl (droplet with --root), cfg (jq edit of
# config.json). Teardown fails the test if anything was left behind.

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DROPLET=${DROPLET:-$REPO/bin/droplet}
PROBE=${PROBE:-$REPO/bin/probe}
ROOTFS_CACHE=${ROOTFS_CACHE:-/tmp/droplet-rootfs-cache}

# A busybox rootfs, built once per machine and copied per test.
make_rootfs_cache() {
	[ -x "$ROOTFS_CACHE/bin/busybox" ] && [ "$ROOTFS_CACHE/bin/probe" -nt "$PROBE" -o "$ROOTFS_CACHE/bin/probe" -ef "$PROBE" ] && return 0
	local tmp
	tmp=$(mktemp -d /tmp/droplet-rootfs.XXXXXX)
	mkdir -p "$tmp"/{bin,sbin,etc,proc,sys,dev,tmp,root,var,run,usr/bin,usr/sbin,home}
	cp /bin/busybox "$tmp/bin/busybox"
	local app
	for app in $("$tmp/bin/busybox" --list); do
		[ -e "$tmp/bin/$app" ] || ln -s busybox "$tmp/bin/$app"
	done
	cp "$PROBE" "$tmp/bin/probe"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$tmp/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
	chmod 1777 "$tmp/tmp"
	chmod 755 "$tmp"
	rm -rf "$ROOTFS_CACHE"
	mv "$tmp" "$ROOTFS_CACHE"
}

dl() { "$DROPLET" --root "$STATE" "$@"; }

# CGROOT: the cgroup2 mount (/sys/fs/cgroup, or a hybrid host's
# /sys/fs/cgroup/unified); the test is skipped where there is none.
cgroup2_root() {
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		CGROOT=/sys/fs/cgroup
	elif [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then
		CGROOT=/sys/fs/cgroup/unified
	else
		skip "no cgroup2 on this host"
	fi
}

# cfg JQ_EXPR: edit $BUNDLE/config.json in place.
cfg() {
	jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# Snapshot of host facts a container must not leave behind.
host_snapshot() {
	{
		echo "## mounts"
		grep -F "$TEST_ROOT" /proc/self/mountinfo | awk '{print $5}' | sort
		echo "## links"
		ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -v '^raind' | sort
		echo "## cgroups"
		find /sys/fs/cgroup/unified/raind /sys/fs/cgroup/raind -mindepth 1 -maxdepth 2 -type d 2>/dev/null | sort
		echo "## procs"
		ps -eo args 2>/dev/null | grep -F "$TEST_ROOT" | grep -v grep | sort
	}
}

common_setup() {
	[ -x "$DROPLET" ] || { echo "build bin/droplet first (make)" >&2; return 1; }
	make_rootfs_cache
	TEST_ROOT=$(mktemp -d /tmp/droplet-test.XXXXXX)
	STATE=$TEST_ROOT/state
	BUNDLE=$TEST_ROOT/bundle
	mkdir -p "$BUNDLE"
	cp -a "$ROOTFS_CACHE" "$BUNDLE/rootfs"
	(cd "$BUNDLE" && "$DROPLET" spec >/dev/null)
	# Tests run non-interactively: no terminal unless a test asks for one;
	# no cgroup limits unless a test asks (this host has no v2 controllers,
	# and each run would warn about the spec's default limits).
	cfg '.process.terminal = false | del(.linux.resources)'
	BEFORE=$(host_snapshot)
	export TEST_ROOT STATE BUNDLE
}

common_teardown() {
	local ids id
	# Stop and delete whatever a failing test left, then compare.
	if [ -d "$STATE" ]; then
		for id in $(ls "$STATE" 2>/dev/null); do
			[ -f "$STATE/$id/state.json" ] || continue
			"$DROPLET" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	local after
	after=$(host_snapshot)
	local leftover_state
	leftover_state=$(find "$STATE" -mindepth 1 -maxdepth 1 -name '*' -newer "$BUNDLE" 2>/dev/null | head -5)
	if [ "$BEFORE" != "$after" ]; then
		echo "# leftovers on the host:" >&2
		diff <(echo "$BEFORE") <(echo "$after") >&2 || true
		umount -R -l $(grep -F "$TEST_ROOT" /proc/self/mountinfo | awk '{print $5}' | sort -r) 2>/dev/null || true
		rm -rf "$TEST_ROOT"
		return 1
	fi
	rm -rf "$TEST_ROOT"
	[ -z "${EXPECT_CLEAN_STATE:-}" ] || [ -z "$leftover_state" ] || { echo "# state left: $leftover_state" >&2; return 1; }
}

# assert_line_eq EXPECTED ACTUAL
assert_eq() {
	if [ "$1" != "$2" ]; then
		echo "expected: [$1]" >&2
		echo "actual:   [$2]" >&2
		return 1
	fi
}

# dlf ARGS...: droplet with its stdio on a file, for commands that leave a
# runc-style container behind: like runc's, that init keeps the caller's
# stdout, so bats' `run` would wait for it. Sets $status and $output.
dlf() {
	"$DROPLET" --root "$STATE" "$@" >"$TEST_ROOT/dlf.out" 2>&1 </dev/null && status=0 || status=$?
	output=$(cat "$TEST_ROOT/dlf.out")
	return 0
}

# wait_status ID STATUS: poll `state` for up to 5 s.
wait_status() {
	local i
	for i in $(seq 50); do
		[ "$(dl state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 never reached $2" >&2
	return 1
}
