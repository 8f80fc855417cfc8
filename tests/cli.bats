#!/usr/bin/env bats
# The command line of both front doors: usage, versions, bad arguments.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "droplet --version names both versions" {
	run "$DROPLET" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"droplet version 0.1.0"* ]]
	[[ "$output" == *"spec: 1.2.0"* ]]
}

@test "every command answers --help with its usage" {
	for c in spec create start run stop kill delete exec attach state list ps pause resume update events features; do
		run "$DROPLET" "$c" --help
		[ "$status" -eq 0 ] || { echo "$c: $output"; false; }
		[[ "$output" == *"usage: droplet $c"* ]] || { echo "$c: $output"; false; }
	done
}

@test "an unknown command is a usage error" {
	run "$DROPLET" frobnicate
	[ "$status" -eq 2 ]
	assert_eq 'droplet: unknown command "frobnicate"' "${lines[0]}"
}

@test "--systemd-cgroup is refused clearly" {
	run "$DROPLET" --systemd-cgroup list
	[ "$status" -eq 2 ]
	[[ "$output" == *"--systemd-cgroup: not supported"* ]]
}

@test "--log-format accepts only text and json" {
	run "$DROPLET" --log-format xml list
	[ "$status" -eq 2 ]
	assert_eq 'droplet: --log-format "xml": want text or json' "$output"
}

@test "a missing id is a usage error" {
	run dl start
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "droplet: start: missing container id" ]]
}

@test "ids are validated" {
	run dl state '../etc'
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container id "../etc": must match [A-Za-z0-9][A-Za-z0-9_.-]*' "$output"
	run dl state "$(printf 'a%.0s' {1..1025})"
	[ "$status" -eq 1 ]
	[[ "$output" == *"longer than 1024 characters"* ]]
}

@test "state of an unknown container says so" {
	run dl state nope
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container "nope" does not exist' "$output"
}

@test "kill with a signal that does not exist is refused" {
	run dl kill c1 SIGFOO
	[ "$status" -eq 2 ]
	assert_eq 'droplet: kill: unknown signal "SIGFOO"' "$output"
}

@test "features lists namespaces, hooks and seccomp" {
	run "$DROPLET" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.namespaces | index("user") and index("time")'
	echo "$output" | jq -e '.hooks | index("stopContainer")'
	echo "$output" | jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")'
	echo "$output" | jq -e '.linux.capabilities | length == 41'
}

@test "--log-format json writes JSON lines to --log" {
	run "$DROPLET" --root "$STATE" --log "$TEST_ROOT/log.json" --log-format json state nope
	[ "$status" -eq 1 ]
	jq -e '.level == "error" and (.msg | contains("does not exist")) and (.time | length > 0)' "$TEST_ROOT/log.json"
}
