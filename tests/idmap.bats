#!/usr/bin/env bats
# idmap.bats: idmapped mounts (the idmap and ridmap options, per-mount
# uidMappings/gidMappings): made by the parent (idmap.c), attached by the
# init (mounts.c). The sources live under /tmp (ext4 here: idmap-capable).

load helpers
bats_require_minimum_version 1.5.0

MAP0='[{"containerID":0,"hostID":1234,"size":1}]'
USERNS='[{"containerID":0,"hostID":100000,"size":65536}]'

setup() {
	common_setup
	ID=im$$x$BATS_TEST_NUMBER
	mkdir -p "$TEST_ROOT/src"
	echo data >"$TEST_ROOT/src/f" # root-owned
}
teardown() {
	# a host submount made by a test, if the test stopped before removing it
	! mountpoint -q "$TEST_ROOT/src/sub" || umount "$TEST_ROOT/src/sub"
	common_teardown
}

# in_container SCRIPT: run `sh -c SCRIPT` in a container of $BUNDLE.
in_container() {
	cfg --arg s "$1" '.process.args = ["sh", "-c", $s]'
	run --separate-stderr dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -eq 0 ] || echo "$stderr" >&2
}

# idmap_mount DEST OPTIONS_JSON [UIDMAP [GIDMAP]]: a bind of $TEST_ROOT/src.
idmap_mount() {
	local m
	m=$(jq -cn --arg d "$1" --arg s "$TEST_ROOT/src" --argjson o "$2" \
		'{destination: $d, type: "bind", source: $s, options: $o}')
	[ -z "${3:-}" ] || m=$(jq -c --argjson u "$3" --argjson g "${4:-$3}" '.uidMappings = $u | .gidMappings = $g' <<<"$m")
	cfg --argjson m "$m" '.mounts += [$m]'
}

# A new user namespace mapping 0 to host 100000 (65536 ids); the rootfs
# becomes its root's.
with_userns() {
	chmod 755 "$TEST_ROOT" "$BUNDLE"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg --argjson m "$USERNS" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = $m | .linux.gidMappings = $m'
}

@test "idmap: a bind shows the mapped owner, the disk is unchanged, no fd reaches the process" {
	idmap_mount /data '["bind","idmap"]' "$MAP0"
	in_container 'stat -c %u:%g /data/f; cat /data/f; probe fds'
	[ "$status" -eq 0 ]
	assert_eq "$(printf '1234:1234\ndata\n0 1 2')" "$output"
	assert_eq 0:0 "$(stat -c %u:%g "$TEST_ROOT/src/f")"
}

@test "idmap: in a user namespace, host root files are the container's root's; ro still applies" {
	with_userns
	idmap_mount /data '["bind","ro"]' "$USERNS"
	idmap_mount /plain '["bind"]'
	in_container 'stat -c %u:%g /data/f /plain/f; probe mkdir /data/x
		awk "\$5 == \"/data\" {print \$6, \$7}" /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	assert_eq "0:0" "${lines[0]}"
	assert_eq "65534:65534" "${lines[1]}" # no idmap: nobody
	assert_eq "errno 30 Read-only file system" "${lines[2]}"
	# idmapped, and private: no peer group shared with the host
	assert_eq "ro,relatime,idmapped -" "${lines[3]}"
	[ ! -e "$TEST_ROOT/src/x" ]
}

@test "idmap: without mappings, the container's user namespace's apply" {
	with_userns
	idmap_mount /data '["rbind","idmap"]'
	in_container 'stat -c %u:%g /data/f'
	[ "$status" -eq 0 ]
	assert_eq "0:0" "$output"
}

@test "idmap: mounts with the same and with other mappings" {
	idmap_mount /a '["bind","idmap"]' "$MAP0"
	idmap_mount /b '["bind","idmap"]' "$MAP0"
	idmap_mount /c '["bind","idmap"]' '[{"containerID":0,"hostID":555,"size":1}]' '[{"containerID":0,"hostID":666,"size":1}]'
	in_container 'stat -c %u:%g /a/f /b/f /c/f'
	[ "$status" -eq 0 ]
	assert_eq "$(printf '1234:1234\n1234:1234\n555:666')" "$output"
}

@test "idmap: ridmap maps submounts too; idmap on rbind maps the top mount only (as runc)" {
	mkdir -p "$TEST_ROOT/src/sub" "$TEST_ROOT/subsrc"
	echo sub >"$TEST_ROOT/subsrc/g"
	mount --bind "$TEST_ROOT/subsrc" "$TEST_ROOT/src/sub"
	idmap_mount /r '["rbind","ridmap"]' "$MAP0"
	idmap_mount /i '["rbind","idmap"]' "$MAP0"
	in_container 'stat -c %u:%g /r/f /r/sub/g /i/f /i/sub/g'
	umount "$TEST_ROOT/src/sub"
	[ "$status" -eq 0 ]
	assert_eq "$(printf '1234:1234\n1234:1234\n1234:1234\n0:0')" "$output"
}

@test "idmap: a missing source names the mount" {
	idmap_mount /data '["bind","idmap"]' "$MAP0"
	cfg --arg s "$TEST_ROOT/nope" '.mounts[-1].source = $s'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	assert_eq "droplet: mounts[7] \"/data\": idmap: source \"$TEST_ROOT/nope\": No such file or directory" "$output"
}

@test "idmap: a mapping the kernel refuses names the mount; the helper is gone" {
	idmap_mount /data '["bind","idmap"]' '[{"containerID":0,"hostID":4294967000,"size":1000}]' "$MAP0"
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" =~ ^droplet:\ mounts\[7\]\ \"/data\":\ idmap:\ write\ \"/proc/[0-9]+/uid_map\"\ \(0\ 4294967000\ 1000\):\ Invalid\ argument$ ]]
}

@test "idmap: a filesystem without idmapped mounts is named as the reason" {
	idmap_mount /data '["bind","idmap"]' "$MAP0"
	cfg '.mounts[-1].source = "/sys/kernel"'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	assert_eq 'droplet: mounts[7] "/data": idmap: mount_setattr: Invalid argument (the filesystem does not support idmapped mounts)' "$output"
}

@test "idmap: refused on a non-bind mount and without any mapping" {
	cfg --argjson m "$MAP0" '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["idmap"], uidMappings: $m, gidMappings: $m}]'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	assert_eq 'droplet: mounts[7] "/t": idmap: only bind mounts can be idmapped' "$output"
	cfg 'del(.mounts[-1])'
	idmap_mount /data '["bind","ridmap"]'
	run dl run --bundle "$BUNDLE" "$ID" </dev/null
	[ "$status" -ne 0 ]
	assert_eq 'droplet: mounts[7] "/data": idmap: no uidMappings and gidMappings, and no user namespace to take them from' "$output"
}

@test "idmap: after create the init holds no tree; exec sees the mapping" {
	idmap_mount /data '["bind","idmap"]' "$MAP0"
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	pid=$(dl state "$ID" | jq .pid)
	# its mounts are done: no fd of the init is the tree (now at /data)
	run ls -l "/proc/$pid/fd"
	[[ "$output" != *"-> /data"* ]]
	dlf start "$ID"
	[ "$status" -eq 0 ]
	run dl exec "$ID" stat -c %u:%g /data/f
	assert_eq 1234:1234 "$output"
	dl delete --force "$ID"
}

@test "idmap: features reports idmapped mounts and the two options" {
	run "$DROPLET" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e '.linux.mountExtensions.idmap.enabled == true'
	echo "$output" | jq -e '.mountOptions | index("idmap") and index("ridmap")'
}

@test "idmap: without mappings of its own, a mount of a pod member takes those of the user namespace it joins" {
	with_userns
	cp "$BUNDLE/config.json" "$TEST_ROOT/owner.json"
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" "${ID}o"
	[ "$status" -eq 0 ]
	dlf start "${ID}o"
	local pid
	pid=$(dl state "${ID}o" | jq -r .pid)
	jq --arg p "$pid" --arg s "$TEST_ROOT/src" '.linux.namespaces |= map(if .type == "user" then .path = "/proc/\($p)/ns/user" else . end)
		| del(.linux.uidMappings) | del(.linux.gidMappings)
		| .mounts += [{destination: "/data", type: "bind", source: $s, options: ["bind", "idmap"]}]' \
		"$TEST_ROOT/owner.json" >"$BUNDLE/config.json"
	in_container 'stat -c %u:%g /data/f; readlink /proc/self/ns/user'
	[ "$status" -eq 0 ]
	assert_eq "0:0" "${lines[0]}"
	assert_eq "$(readlink /proc/$pid/ns/user)" "${lines[1]}"
	dl delete --force "${ID}o"
}
