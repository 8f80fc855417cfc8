#!/usr/bin/env bats
# devices.bats: linux.resources.devices on cgroup v2 (cgroup_devices.c): the
# rules become an eBPF program on the container's cgroup, enforced by the
# kernel at open and mknod. Works on this hybrid host (a cgroup2 dir without
# controllers is enough) and in the VM (tests/vm/run.sh tests/devices.bats).
# Devices used: the first block device the host itself can read (this host
# refuses even root a read of its disk, an unbound loop device opens fine),
# and /dev/kmsg (c 1:11) opened write-only (needs no CAP_SYSLOG, writes
# nothing); the implicit allows cover neither.

load helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cgroup2_root
	mkdir -p "$CGROOT/raind"
	common_setup
	ID=dev$BATS_TEST_NUMBER-$$
	CG=$CGROOT/raind/$ID
	# the rules `droplet spec` writes, nothing else from linux.resources
	cfg 'del(.linux.cgroupsPath) | .linux.resources = {devices: [{allow: false, access: "rwm"}]}'
}

teardown() {
	common_teardown
}

# $MAJ and $MIN of a block device the host can open for reading, or skip.
host_disk() {
	local d n
	for d in /sys/dev/block/*:*; do
		n=$(basename "$(readlink -f "$d")")
		if [ -b "/dev/$n" ] && head -c1 "/dev/$n" >/dev/null 2>&1; then
			d=$(basename "$d")
			MAJ=${d%:*} MIN=${d#*:}
			return 0
		fi
	done
	skip "no readable block device on this host"
}

# run_in SCRIPT: sh -c SCRIPT in a fresh container; $status, $output.
run_in() {
	cfg --arg s "$1" '.process.args = ["sh", "-c", $s]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
}

# A container that keeps running, for exec and update.
start_bg() {
	cfg '.process.args = ["sleep", "30"]'
	dl create --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_ROOT/out" 2>"$TEST_ROOT/err" || { cat "$TEST_ROOT/err"; return 1; }
	dl start "$ID"
}

KMSG='mknod /dev/k c 1 11 2>/dev/null; exec 3>/dev/k && echo kmsg-open'

@test "devices: the spec's deny-all still lets null, zero, urandom, full and ptmx work" {
	run_in 'echo x >/dev/null && head -c3 /dev/zero | wc -c && head -c1 /dev/urandom >/dev/null && exec 3<>/dev/ptmx 4</dev/full && echo ok'
	[ "$status" -eq 0 ]
	[[ "$output" == *"3"*"ok"* ]]
	[ ! -d "$CG" ]
}

@test "devices: the spec's deny-all stops reading a disk made with mknod" {
	host_disk
	run_in "mknod /dev/xsda b $MAJ $MIN && head -c1 /dev/xsda"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/xsda: Operation not permitted"* ]]
	[ ! -d "$CG" ]
}

@test "devices: without device rules nothing is filtered" {
	host_disk
	cfg 'del(.linux.resources)'
	run_in "mknod /dev/xsda b $MAJ $MIN && head -c1 /dev/xsda >/dev/null && exec 3<>/dev/xsda && echo rw-open"
	[ "$status" -eq 0 ]
	assert_eq rw-open "$output"
}

@test "devices: an allow rule for the disk lets it be read, not written" {
	host_disk
	cfg --argjson ma "$MAJ" --argjson mi "$MIN" \
		'.linux.resources.devices += [{allow: true, type: "b", major: $ma, minor: $mi, access: "r"}]'
	run_in "mknod /dev/xsda b $MAJ $MIN && head -c1 /dev/xsda >/dev/null && echo read-ok && exec 3<>/dev/xsda"
	[ "$status" -ne 0 ]
	[[ "$output" == "read-ok"*"/dev/xsda: Operation not permitted"* ]]
}

@test "devices: char device: denied by default, allowed by a rule, the last matching rule wins" {
	run_in "$KMSG"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/k: Operation not permitted"* ]]
	cfg '.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "w"}]'
	run_in "$KMSG"
	[ "$status" -eq 0 ]
	assert_eq kmsg-open "$output"
	# a later deny of the whole major takes it back; an earlier one would not
	cfg '.linux.resources.devices += [{allow: false, type: "c", major: 1, access: "w"}]'
	run_in "$KMSG"
	[ "$status" -ne 0 ]
	cfg '.linux.resources.devices |= [.[0], .[2], .[1]]'
	run_in "$KMSG"
	[ "$status" -eq 0 ]
}

@test "devices: update -r replaces the rules of a running container" {
	start_bg
	run dl exec "$ID" sh -c "$KMSG"
	[ "$status" -ne 0 ]
	echo '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]}' >"$TEST_ROOT/allow.json"
	dl update -r "$TEST_ROOT/allow.json" "$ID"
	run dl exec "$ID" sh -c "$KMSG"
	echo "$output"
	[ "$status" -eq 0 ] # the old program was detached, not just joined
	assert_eq kmsg-open "$output"
	echo '{"devices": [{"allow": false, "access": "rwm"}]}' >"$TEST_ROOT/deny.json"
	dl update -r "$TEST_ROOT/deny.json" "$ID"
	run dl exec "$ID" sh -c "$KMSG"
	[ "$status" -ne 0 ]
	# an update without devices keeps the rules
	dl update --pids-limit 50 "$ID" 2>/dev/null
	run dl exec "$ID" sh -c "$KMSG"
	[ "$status" -ne 0 ]
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "devices: a program the kernel refuses fails create and leaves nothing" {
	setpriv --help 2>&1 | grep -q bounding-set || skip "needs util-linux setpriv"
	cfg '.process.args = ["true"]'
	# without CAP_SYS_ADMIN and CAP_BPF the cgroup is made but bpf(2) says no
	run setpriv --bounding-set -sys_admin,-bpf -- "$DROPLET" --root "$STATE" create --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	assert_eq "droplet: linux.resources.devices: load eBPF program: Operation not permitted" "$output"
	[ ! -d "$CG" ]
	run dl state "$ID"
	[ "$status" -ne 0 ]
}
