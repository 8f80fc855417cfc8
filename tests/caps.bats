#!/usr/bin/env bats
# caps.bats: process.capabilities as the container process sees them in
# /proc/self/status (busybox grep, so the sets are those after execve).
#
# After execve the kernel recomputes the sets: a root process gets
# permitted = effective = bounding | inheritable | ambient; a non-root one
# without file caps gets permitted = effective = ambient. So the configs
# below use eff = prm = bnd for root and eff = prm = inh = amb for uid 1000,
# where every set can be compared with the config exactly.

load helpers

setup() {
	common_setup
	CID=cap-${TEST_ROOT##*.} # unique: suites run in parallel share raind/<id> cgroups
	# mktemp -d made the cached rootfs root 0700: uid 1000 could not
	# even look up /bin once the capabilities are gone.
	chmod 755 "$BUNDLE/rootfs"
}
teardown() { common_teardown; }

CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
	LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
	SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
	SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
	MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
	CHECKPOINT_RESTORE)

# mask CAP_X...: the 16-digit hex mask /proc/self/status shows for those caps.
mask() {
	local m=0 n i
	for n in "$@"; do
		for i in "${!CAP_NAMES[@]}"; do
			[ "CAP_${CAP_NAMES[$i]}" = "$n" ] && m=$((m | (1 << i)))
		done
	done
	printf '%016x' "$m"
}

# set_caps SET CAP_X...: process.capabilities.SET = [CAP_X...]
set_caps() {
	local set=$1 list
	shift
	list=$(printf '%s\n' "$@" | jq -R . | jq -sc 'map(select(. != ""))')
	cfg --arg s "$set" --argjson v "$list" '.process.capabilities[$s] = $v'
}

# run_caps ID: run the container printing its Cap* lines; sets INH PRM EFF BND AMB.
run_caps() {
	cfg '.process.args = ["grep", "^Cap", "/proc/self/status"]'
	run dl run --bundle "$BUNDLE" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	INH=$(echo "$output" | awk '/^CapInh:/ {print $2}')
	PRM=$(echo "$output" | awk '/^CapPrm:/ {print $2}')
	EFF=$(echo "$output" | awk '/^CapEff:/ {print $2}')
	BND=$(echo "$output" | awk '/^CapBnd:/ {print $2}')
	AMB=$(echo "$output" | awk '/^CapAmb:/ {print $2}')
	[ -n "$INH" ] && [ -n "$AMB" ]
}

DEFAULT14="CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_MKNOD CAP_NET_RAW CAP_SETGID CAP_SETUID
	CAP_SETFCAP CAP_SETPCAP CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE"

@test "spec writes the 14 default capabilities" {
	local want
	want=$(printf '%s\n' $DEFAULT14 | sort)
	for s in bounding effective permitted; do
		assert_eq "$want" "$(jq -r ".process.capabilities.$s[]" "$BUNDLE/config.json" | sort)"
	done
}

@test "default spec: root gets exactly the 14 default caps" {
	run_caps "$CID"
	assert_eq a80425fb "$(mask $DEFAULT14 | sed 's/^0*//')"
	assert_eq 00000000a80425fb "$BND"
	assert_eq 00000000a80425fb "$EFF"
	assert_eq 00000000a80425fb "$PRM"
	assert_eq "$(mask $(jq -r '.process.capabilities.inheritable // [] | .[]' "$BUNDLE/config.json"))" "$INH"
	assert_eq "$(mask $(jq -r '.process.capabilities.ambient // [] | .[]' "$BUNDLE/config.json"))" "$AMB"
}

@test "root: every set matches the config" {
	local some="CAP_CHOWN CAP_KILL CAP_NET_ADMIN CAP_SYS_ADMIN CAP_SYS_PTRACE"
	set_caps bounding $some
	set_caps effective $some
	set_caps permitted $some
	set_caps inheritable CAP_KILL CAP_SYS_PTRACE
	set_caps ambient
	run_caps "$CID"
	assert_eq "$(mask $some)" "$BND"
	assert_eq "$(mask $some)" "$EFF"
	assert_eq "$(mask $some)" "$PRM"
	assert_eq "$(mask CAP_KILL CAP_SYS_PTRACE)" "$INH"
	assert_eq 0000000000000000 "$AMB"
}

@test "uid 1000 with ambient caps: every set matches the config" {
	local amb="CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_KILL"
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps bounding CAP_CHOWN CAP_SETUID $amb
	set_caps effective $amb
	set_caps permitted $amb
	set_caps inheritable $amb
	set_caps ambient $amb
	run_caps "$CID"
	assert_eq "$(mask CAP_CHOWN CAP_SETUID $amb)" "$BND"
	assert_eq "$(mask $amb)" "$EFF"
	assert_eq "$(mask $amb)" "$PRM"
	assert_eq "$(mask $amb)" "$INH"
	assert_eq "$(mask $amb)" "$AMB"
}

@test "uid 1000 without ambient caps has CapEff 0" {
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	run_caps "$CID"
	assert_eq 0000000000000000 "$EFF"
	assert_eq 0000000000000000 "$PRM"
	assert_eq 0000000000000000 "$AMB"
	assert_eq 00000000a80425fb "$BND"
}

@test "no capabilities field: every set is empty, even for root" {
	cfg 'del(.process.capabilities)'
	run_caps "$CID"
	for v in "$BND" "$EFF" "$PRM" "$INH" "$AMB"; do
		assert_eq 0000000000000000 "$v"
	done
}

@test "empty capability lists: every set is empty" {
	cfg '.process.capabilities = {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []}'
	run_caps "$CID"
	for v in "$BND" "$EFF" "$PRM" "$INH" "$AMB"; do
		assert_eq 0000000000000000 "$v"
	done
}

@test "an unknown capability name is the loader's error" {
	cfg '.process.capabilities.bounding += ["CAP_NOPE"]'
	run dl run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	local i
	i=$(($(jq '.process.capabilities.bounding | length' "$BUNDLE/config.json") - 1))
	[[ "$output" == *"process.capabilities.bounding[$i]: unknown capability \"CAP_NOPE\""* ]]
	[ ! -e "$STATE/$CID" ]
}

@test "ambient cap missing from inheritable is an error naming it" {
	cfg '.process.user = {"uid": 1000, "gid": 1000}'
	set_caps ambient CAP_KILL
	set_caps inheritable
	run dl run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"capabilities: ambient CAP_KILL must also be in permitted and inheritable"* ]]
}

@test "no caps in effective: a root process cannot chown" {
	set_caps effective
	set_caps permitted
	set_caps bounding CAP_KILL
	cfg '.process.args = ["sh", "-c", "touch /tmp/f && chown 1:1 /tmp/f && echo chowned || echo refused"]'
	run dl run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[[ "$output" == *refused* ]]
}
