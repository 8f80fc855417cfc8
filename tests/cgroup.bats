#!/usr/bin/env bats
# cgroup.bats: the container's cgroup (cgroup.c) through the CLI, on two
# kinds of host:
#   v2     /sys/fs/cgroup is cgroup2 with the memory controller (the VM:
#          tests/vm/run.sh tests/cgroup.bats): limits are checked in the files;
#   hybrid cgroup2 at /sys/fs/cgroup/unified without controllers (this
#          workstation): the container runs, one warning names what was not
#          applied, and demanded limits (unified keys) fail cleanly.
# Both: pause/resume through cgroup.freeze, ps through cgroup.procs, delete
# kills what is left and removes the cgroup.

load helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cgroup2_root
	V2=
	grep -qw memory "$CGROOT/cgroup.controllers" && V2=1
	# droplet leaves the parent "raind" in place: make it part of the snapshot.
	mkdir -p "$CGROOT/raind"
	common_setup
	ID=cgt$BATS_TEST_NUMBER-$$
	CG=$CGROOT/raind/$ID
	# Fixed limits, the default cgroup path, a writable rootfs.
	cfg 'del(.linux.cgroupsPath) | .root.readonly = false
		| .linux.resources = {devices: (.linux.resources.devices // []),
			memory: {limit: 67108864}, cpu: {quota: 80000, period: 100000}, pids: {limit: 20}}'
}

teardown() {
	common_teardown
}

needs_v2() { [ -n "$V2" ] || skip "needs cgroup v2 controllers (run in tests/vm/run.sh)"; }
needs_hybrid() { [ -z "$V2" ] || skip "hybrid host only"; }

# A container that keeps running: create + start.
start_bg() {
	cfg ".process.args = $1"
	# the container inherits stdio: keep it off bats' pipes
	dl create --bundle "$BUNDLE" "$ID" </dev/null >"$TEST_ROOT/out" 2>"$TEST_ROOT/err" || { cat "$TEST_ROOT/err"; return 1; }
	dl start "$ID"
}

status_of() { dl state "$ID" | jq -r .status; }
pid_of() { dl state "$ID" | jq -r .pid; }

@test "cgroup: limits are written on a v2 host" {
	needs_v2
	start_bg '["sleep", "30"]'
	[ -d "$CG" ]
	assert_eq 67108864 "$(cat "$CG/memory.max")"
	assert_eq "80000 100000" "$(cat "$CG/cpu.max")"
	assert_eq 20 "$(cat "$CG/pids.max")"
	grep -qx "$(pid_of)" "$CG/cgroup.procs"
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "cgroup: hybrid host runs the container and warns once about the limits" {
	needs_hybrid
	cfg '.process.args = ["cat", "/proc/self/cgroup"]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"droplet: warning: cgroup \"raind/$ID\": controllers not available (memory, cpu, pids): not applied: memory.max=67108864, cpu.max=80000 100000, pids.max=20"* ]]
	assert_eq 1 "$(grep -c 'not applied' <<<"$output")"
	# the container was in its cgroup (unified hierarchy line "0::/...")
	[[ "$output" == *"0::/"* ]]
	[ ! -d "$CG" ]
}

@test "cgroup: the container's process is in the cgroup (both hosts)" {
	start_bg '["sleep", "30"]'
	[ -d "$CG" ]
	grep -qx "$(pid_of)" "$CG/cgroup.procs"
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "cgroup: pids.limit bounds a fork bomb" {
	needs_v2
	cfg '.linux.resources.pids.limit = 10
		| .process.args = ["sh", "-c", "for i in $(seq 50); do sleep 5 & echo started $i; done; echo all started"]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[[ "$output" != *"all started"* ]]
	[[ "$output" == *"started 5"* ]]
	[[ "$output" != *"started 10"* ]]
	[[ "$output" == *"fork"* ]]
}

@test "cgroup: unified keys are written" {
	needs_v2
	cfg '.linux.resources.unified = {"memory.high": "52428800", "pids.max": "7"}'
	start_bg '["sleep", "30"]'
	assert_eq 52428800 "$(cat "$CG/memory.high")"
	assert_eq 7 "$(cat "$CG/pids.max")" # unified wins over pids.limit (written later)
	dl delete --force "$ID"
}

@test "cgroup: a unified key that cannot be written fails and leaves nothing" {
	local key=memory.high
	[ -z "$V2" ] || key=memory.nosuchfile
	cfg ".linux.resources.unified = {\"$key\": \"1000000\"} | .process.args = [\"true\"]"
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cgroup \"raind/$ID\": unified \"$key\": no such file; is the controller enabled?"* ]]
	[ ! -d "$CG" ]
	run dl state "$ID"
	[ "$status" -ne 0 ]
}

@test "cgroup: a value the kernel rejects is an error" {
	needs_v2
	cfg '.linux.resources.cpu.cpus = "4095" | .process.args = ["true"]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cgroup \"raind/$ID\": write cpuset.cpus: "* ]]
	[ ! -d "$CG" ]
}

@test "cgroup: swap without a memory limit is a config error" {
	cfg 'del(.linux.resources.memory.limit) | .linux.resources.memory.swap = 1000000 | .process.args = ["true"]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.resources.memory.swap: a swap limit needs a memory limit"* ]]
	[ ! -d "$CG" ]
}

@test "cgroup: pause freezes and resume thaws" {
	start_bg '["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/ticks; sleep 0.05; done"]'
	sleep 0.3
	dl pause "$ID"
	assert_eq paused "$(status_of)"
	assert_eq 1 "$(cat "$CG/cgroup.freeze")"
	grep -qx 'frozen 1' "$CG/cgroup.events"
	local a b c
	a=$(cat "$BUNDLE/rootfs/ticks")
	sleep 0.5
	b=$(cat "$BUNDLE/rootfs/ticks")
	assert_eq "$a" "$b"
	dl resume "$ID"
	assert_eq running "$(status_of)"
	grep -qx 'frozen 0' "$CG/cgroup.events"
	sleep 0.5
	c=$(cat "$BUNDLE/rootfs/ticks")
	[ "${c:-0}" -gt "${b:-0}" ]
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "cgroup: delete --force of a paused container" {
	start_bg '["sleep", "30"]'
	dl pause "$ID"
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "cgroup: ps lists the processes of the cgroup" {
	start_bg '["sh", "-c", "sleep 100 & sleep 101 & wait"]'
	local i
	for i in $(seq 50); do [ "$(wc -l <"$CG/cgroup.procs")" -ge 3 ] && break; sleep 0.05; done
	run dl ps --format json "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "$(sort -n "$CG/cgroup.procs" | tr '\n' ' ')" "$(jq -r '.[]' <<<"$output" | sort -n | tr '\n' ' ')"
	jq -e --argjson p "$(pid_of)" 'index($p) != null' <<<"$output"
	dl delete --force "$ID"
}

@test "cgroup: delete kills what is left in the cgroup" {
	start_bg '["sh", "-c", "sleep 100 & sleep 101 & wait"]'
	local pids p
	sleep 0.3
	pids=$(cat "$CG/cgroup.procs")
	dl delete --force "$ID"
	[ ! -d "$CG" ]
	for p in $pids; do [ ! -d "/proc/$p" ] || [ "$(awk '{print $3}' "/proc/$p/stat")" = Z ]; done
}

@test "cgroup: a pre-created empty cgroup is reused and removed at delete" {
	mkdir -p "$CG"
	start_bg '["sleep", "30"]'
	grep -qx "$(pid_of)" "$CG/cgroup.procs"
	dl delete --force "$ID"
	[ ! -d "$CG" ]
}

@test "cgroup: a pre-created cgroup with processes is refused" {
	mkdir -p "$CG"
	sleep 30 &
	local bg=$!
	echo "$bg" >"$CG/cgroup.procs"
	cfg '.process.args = ["true"]'
	run dl run --bundle "$BUNDLE" "$ID"
	kill "$bg"
	wait "$bg" || true
	rmdir "$CG"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cgroup \"raind/$ID\": already has processes: "*"busy"* ]]
}

@test "cgroup: linux.cgroupsPath is honoured; systemd paths are refused" {
	cfg ".linux.cgroupsPath = \"/droplet-test/$ID\""
	start_bg '["sleep", "30"]'
	grep -qx "$(pid_of)" "$CGROOT/droplet-test/$ID/cgroup.procs"
	dl delete --force "$ID"
	[ ! -d "$CGROOT/droplet-test/$ID" ]
	rmdir "$CGROOT/droplet-test"
	cfg '.linux.cgroupsPath = "system.slice:raind:x" | .process.args = ["true"]'
	run dl run --bundle "$BUNDLE" "$ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.cgroupsPath "system.slice:raind:x": systemd cgroup paths are not supported'* ]]
}

@test "cgroup: events --stats reports pids and memory" {
	needs_v2
	start_bg '["sleep", "30"]'
	run dl events --stats "$ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq '.data.pids.current' <<<"$output")" -ge 1 ]
	[ "$(jq '.data.memory.usage.limit' <<<"$output")" -eq 67108864 ]
	dl delete --force "$ID"
}

@test "cgroup: update changes limits of a running container (v2)" {
	needs_v2
	start_bg '["sleep", "30"]'
	dl update --pids-limit 7 --memory 33554432 "$ID"
	assert_eq 7 "$(cat "$CG/pids.max")"
	assert_eq 33554432 "$(cat "$CG/memory.max")"
	echo '{"cpu":{"quota":50000,"period":100000}}' >"$TEST_ROOT/r.json"
	dl update -r "$TEST_ROOT/r.json" "$ID"
	assert_eq "50000 100000" "$(cat "$CG/cpu.max")"
	run dl update --pids-limit notanumber "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "droplet: resources: line 1, column "* ]]
	dl delete --force "$ID"
}

@test "cgroup: update on a host without the controllers warns, bad input is refused" {
	needs_hybrid
	start_bg '["sleep", "30"]'
	run dl update --pids-limit 7 "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"not applied: pids.max=7"* ]]
	run dl update --memory 1x "$ID"
	[ "$status" -eq 1 ]
	dl delete --force "$ID"
}
