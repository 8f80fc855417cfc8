#!/usr/bin/env bats
# tests/seccomp.bats: linux.seccomp end to end (the compiler itself is
# covered by tests/unit/test_seccomp.c with the BPF simulator).
# Needs the container lifecycle (`dl run`). To disable the whole file until
# then, export DROPLET_SKIP_SECCOMP_BATS=1.

load helpers

setup() {
	[ -z "${DROPLET_SKIP_SECCOMP_BATS:-}" ] || skip "DROPLET_SKIP_SECCOMP_BATS set"
	common_setup
}

teardown() {
	[ -n "${DROPLET_SKIP_SECCOMP_BATS:-}" ] || common_teardown
}

# run_probe ARGS...: run /bin/probe ARGS in a new container of the bundle;
# sets $status/$output.
N=0
run_probe() {
	cfg --argjson a "$(jq -nc '$ARGS.positional' --args /bin/probe "$@")" '.process.args = $a'
	cd "$BUNDLE"
	N=$((N + 1))
	run dl run "c$N"
}

# seccomp JSON: set linux.seccomp.
seccomp() {
	cfg --argjson s "$1" '.linux.seccomp = $s'
}

@test "seccomp: mkdir blocked with EPERM" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	run_probe mkdir /tmp/x
	[ "$status" -eq 1 ]
	assert_eq "errno 1 Operation not permitted" "$output"
}

@test "seccomp: custom errnoRet" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":30}]}'
	run_probe mkdir /tmp/x
	[ "$status" -eq 1 ]
	assert_eq "errno 30 Read-only file system" "$output"
}

@test "seccomp: defaultErrnoRet for the default action" {
	local allow
	# every name the Docker profile allows unconditionally, less mkdir
	allow=$(jq -c '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and (.args // []) == []) | .names[]] | map(select(. != "mkdir" and . != "mkdirat"))' "$REPO/tests/fixtures/docker-seccomp.json")
	seccomp "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":$allow,\"action\":\"SCMP_ACT_ALLOW\"}]}"
	run_probe mkdir /tmp/x
	[ "$status" -eq 1 ]
	assert_eq "errno 38 Function not implemented" "$output"
}

@test "seccomp: personality(0xffffffff) allowed, other values blocked by an arg rule" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
		{"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_NE"}]}]}'
	run_probe personality 0xffffffff
	[ "$status" -eq 0 ]
	[[ "$output" == ok* ]]
	run_probe personality 0x0008
	[ "$status" -eq 1 ]
	assert_eq "errno 1 Operation not permitted" "$output"
}

@test "seccomp: SCMP_ACT_KILL kills the process (128+SIGSYS)" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_KILL_PROCESS"}]}'
	run_probe mkdir /tmp/x
	[ "$status" -eq 159 ]
}

@test "seccomp: SCMP_ACT_LOG allows" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_LOG"}]}'
	run_probe mkdir /tmp/x
	[ "$status" -eq 0 ]
	assert_eq "ok 0" "$output"
}

@test "seccomp: x32 mkdir cannot bypass a deny rule when x32 is not listed" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	run_probe x32mkdir /tmp/x
	# killed as a foreign ABI (SIGSYS), whether or not the kernel has x32
	[ "$status" -eq 159 ]
}

@test "seccomp: the Docker default profile runs a shell" {
	seccomp "$(cat "$REPO/tests/fixtures/docker-seccomp.json")"
	cfg '.process.args = ["sh", "-c", "echo hi; ls / >/dev/null"]'
	cd "$BUNDLE"
	run dl run c1
	[ "$status" -eq 0 ]
	assert_eq "hi" "$output"
}

@test "seccomp: the Docker default profile denies mount and unshare(CLONE_NEWUSER)" {
	seccomp "$(cat "$REPO/tests/fixtures/docker-seccomp.json")"
	# 165 = mount, 272 = unshare on x86_64
	run_probe syscall 165 0 0 0 0 0
	[ "$status" -eq 1 ]
	assert_eq "errno 1 Operation not permitted" "$output"
	run_probe syscall 272 0x10000000
	[ "$status" -eq 1 ]
	assert_eq "errno 1 Operation not permitted" "$output"
}

@test "seccomp: droplet seccomp-compile prints the program" {
	seccomp "$(cat "$REPO/tests/fixtures/docker-seccomp.json")"
	# stderr has warnings for "recv"/"send" (libseccomp pseudo-syscalls)
	run bash -c '"$0" seccomp-compile "$1" 2>/dev/null' "$DROPLET" "$BUNDLE/config.json"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "0000: ld   [4]  ; arch" ]]
	[[ "$output" == *"instructions (limit 4096)"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY sends the listener to listenerPath with the container state" {
	local sock=$TEST_ROOT/agent.sock out=$TEST_ROOT/agent.out
	python3 "$REPO/tests/fixtures/seccomp_agent.py" "$sock" "$out" &
	local agent=$!
	for _ in $(seq 50); do [ -e "$out.ready" ] && break; sleep 0.1; done
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$sock\",\"listenerMetadata\":\"meta1\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	run_probe mkdir /tmp/x
	wait $agent
	# the agent closed the listener without answering: the syscall fails
	[ "$status" -eq 1 ]
	assert_eq "errno 38 Function not implemented" "$output"
	head -1 "$out" | jq -e '.fds == ["seccompFd"] and .metadata == "meta1" and .pid > 0 and .state.id != null'
	grep -qx "fds=1" "$out"
}
