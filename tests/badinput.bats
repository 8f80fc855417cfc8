#!/usr/bin/env bats
# Bad input: one line on stderr naming the field or path, non-zero exit,
# nothing left behind (teardown checks mounts, links, cgroups, processes).

load helpers

setup() { common_setup; EXPECT_CLEAN_STATE=1; }
teardown() { common_teardown; }

@test "broken JSON names line and column" {
	printf '{"ociVersion": "1.2.0",\n  "root": {"path": "rootfs"},,\n}' >"$BUNDLE/config.json"
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "droplet: config.json: line 2, column "* ]]
	[ ! -e "$STATE/c1" ]
}

@test "a wrong type names the field" {
	cfg '.process.terminal = "yes"'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: config.json: process.terminal: must be a boolean, not a string' "$output"
	[ ! -e "$STATE/c1" ]
}

@test "an unknown namespace is named" {
	cfg '.linux.namespaces += [{"type":"foo"}]'
	run dl create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == 'droplet: config.json: linux.namespaces['*'].type: unknown namespace "foo"' ]]
	[ ! -e "$STATE/c1" ]
}

@test "a missing rootfs names the path" {
	rm -rf "$BUNDLE/rootfs"
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq "droplet: root.path \"$BUNDLE/rootfs\": No such file or directory" "$output"
	[ ! -e "$STATE/c1" ]
}

@test "a rootfs that is a file is refused" {
	rm -rf "$BUNDLE/rootfs"
	touch "$BUNDLE/rootfs"
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq "droplet: root.path \"$BUNDLE/rootfs\": not a directory" "$output"
}

@test "an unknown capability is named" {
	cfg '.process.capabilities.bounding += ["CAP_FOO"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == 'droplet: config.json: process.capabilities.bounding['*']: unknown capability "CAP_FOO"' ]]
}

@test "a command that does not exist fails at create and leaves nothing" {
	cfg '.process.args = ["/no/such/binary"]'
	run dl create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: exec "/no/such/binary": No such file or directory' "$output"
	[ ! -e "$STATE/c1" ]
}

@test "hostname without a UTS namespace is refused" {
	cfg '.linux.namespaces |= map(select(.type != "uts"))'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"hostname: requires a UTS namespace"* ]]
}

@test "missing config.json names the file" {
	rm "$BUNDLE/config.json"
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq "droplet: open \"$BUNDLE/config.json\": No such file or directory" "$output"
	[ ! -e "$STATE/c1" ]
}
