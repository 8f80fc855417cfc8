#!/usr/bin/env bats
# create/start/run/kill/stop/delete/state/list/exec through both front doors.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "run: exit code is the container's" {
	cfg '.process.args = ["sh", "-c", "exit 7"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 7 ]
	[ ! -e "$STATE/c1" ]
}

@test "run: a signal death is 128+N" {
	cfg '.process.args = ["sleep", "100"]'
	dl run --bundle "$BUNDLE" c1 &
	local bg=$!
	for i in $(seq 50); do [ "$(dl state c1 2>/dev/null | jq -r .status)" = running ] && break; sleep 0.1; done
	dl kill c1 KILL
	local rc=0
	wait $bg || rc=$?
	[ "$rc" -eq 137 ]
}

@test "run: stdout and stderr reach the caller" {
	cfg '.process.args = ["sh", "-c", "echo out; echo err >&2"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "$output" == *out* && "$output" == *err* ]]
}

@test "run: the init is pid 1 in its own pid namespace with the config's hostname" {
	cfg '.process.args = ["sh", "-c", "echo pid=$$; hostname"] | .hostname = "box1"'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	assert_eq "pid=1" "${lines[0]}"
	assert_eq "box1" "${lines[1]}"
}

@test "run: every configured namespace differs from the host's" {
	cfg '.process.args = ["sh", "-c", "for n in mnt pid net ipc uts cgroup; do readlink /proc/self/ns/$n; done"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	local i=0
	for n in mnt pid net ipc uts cgroup; do
		[ "${lines[$i]}" != "$(readlink /proc/self/ns/$n)" ] || { echo "$n shared with host"; false; }
		i=$((i + 1))
	done
}

@test "run: user namespace with id maps" {
	chmod 755 "$TEST_ROOT" "$BUNDLE"
	cfg '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .process.args = ["sh","-c","cat /proc/self/uid_map /proc/self/gid_map; id -u"]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ +0\ +100000\ +65536$ ]]
	[[ "${lines[1]}" =~ ^\ +0\ +100000\ +65536$ ]]
	assert_eq 0 "${lines[2]}"
}

@test "run: process.user, additionalGids, umask and env" {
	cfg '.process.user = {"uid":1000,"gid":1001,"additionalGids":[5,6],"umask":63} | .process.env += ["FOO=bar"] | .process.args = ["sh","-c","grep -E \"^(Uid|Gid|Groups):\" /proc/self/status; umask; echo $FOO"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Uid:[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000$ ]]
	[[ "${lines[1]}" =~ ^Gid:[[:space:]]+1001[[:space:]]+1001 ]]
	[[ "${lines[2]}" =~ ^Groups:[[:space:]]+5[[:space:]]6 ]]
	assert_eq 0077 "${lines[3]}"
	assert_eq bar "${lines[4]}"
}

@test "run: rlimits, cwd and oomScoreAdj" {
	cfg '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":123,"hard":456}] | .process.cwd = "/tmp/work" | .process.oomScoreAdj = 500 | .process.args = ["sh","-c","ulimit -n; ulimit -Hn; pwd; cat /proc/self/oom_score_adj"]'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	assert_eq 123 "${lines[0]}"
	assert_eq 456 "${lines[1]}"
	assert_eq /tmp/work "${lines[2]}"
	assert_eq 500 "${lines[3]}"
}

@test "create, state, start, state, kill, delete (runc style)" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" --pid-file "$TEST_ROOT/pid" c1
	[ "$status" -eq 0 ]
	run dl state c1
	[ "$(echo "$output" | jq -r .status)" = created ]
	local pid
	pid=$(echo "$output" | jq -r .pid)
	assert_eq "$pid" "$(cat "$TEST_ROOT/pid")"
	[ -d /proc/$pid ]
	dlf start c1
	[ "$status" -eq 0 ]
	[ "$(dl state c1 | jq -r .status)" = running ]
	run dl delete c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container "c1" is running; stop it first or use --force' "$output"
	dlf start c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container "c1" is running, not created' "$output"
	dl kill c1 KILL
	wait_status c1 stopped
	dl delete c1
	[ ! -e "$STATE/c1" ]
}

@test "kill with a harmless signal leaves the container running" {
	cfg '.process.args = ["sh", "-c", "trap \"\" USR1; sleep 100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	dl kill c1 USR1
	sleep 0.2
	[ "$(dl state c1 | jq -r .status)" = running ]
	dl kill c1 SIGKILL
	dl delete --force c1
}

@test "kill accepts names with and without SIG and numbers" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	dl kill c1 CONT
	dl kill c1 SIGCONT
	dl kill c1 18
	[ "$(dl state c1 | jq -r .status)" = running ]
	dl kill c1 9
	dl delete --force c1
}

@test "stop: TERM then KILL after the grace period" {
	cfg '.process.args = ["sh", "-c", "trap \"\" TERM; while :; do sleep 1; done"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	local t0=$(date +%s)
	run dl stop -t 1 c1
	[ "$status" -eq 0 ]
	[ $(( $(date +%s) - t0 )) -lt 5 ]
	[ "$(dl state c1 | jq -r .status)" = stopped ]
	dl delete c1
}

@test "a duplicate id is refused and the first container is untouched" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container "c1" already exists' "$output"
	[ "$(dl state c1 | jq -r .status)" = created ]
	dl delete --force c1
}

@test "delete --force of a running container kills it" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	local pid=$(dl state c1 | jq -r .pid)
	dl delete --force c1
	[ ! -d /proc/$pid ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
	[ ! -e "$STATE/c1" ]
}

@test "list shows containers in table and json" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	run dl list
	[[ "${lines[0]}" == ID* ]]
	[[ "${lines[1]}" == c1* ]]
	run dl list --format json
	[ "$(echo "$output" | jq -r '.[0].id + " " + .[0].status')" = "c1 created" ]
	run dl list -q
	assert_eq c1 "$output"
	dl delete --force c1
}

@test "exec runs in the container's namespaces with its exit code" {
	cfg '.process.args = ["sleep", "100"] | .hostname = "inside"'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	run dl exec --pid-file "$TEST_ROOT/xpid" c1 sh -c 'hostname; echo $$; exit 3'
	[ "$status" -eq 3 ]
	assert_eq inside "${lines[0]}"
	[ "${lines[1]}" -gt 1 ]
	run dl exec --cwd /tmp --env A=b --user 1000:1000 --detach c1 sh -c 'true'
	[ "$status" -eq 0 ]
	dl delete --force c1
}

@test "exec --process runs a process.json" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	echo '{"args":["sh","-c","id -u; pwd"],"cwd":"/tmp","user":{"uid":42,"gid":42},"env":["PATH=/bin"]}' >"$TEST_ROOT/p.json"
	run dl exec --process "$TEST_ROOT/p.json" --pid-file "$TEST_ROOT/x" c1
	[ "$status" -eq 0 ]
	assert_eq 42 "${lines[0]}"
	assert_eq /tmp "${lines[1]}"
	dl delete --force c1
}

@test "exec into a stopped container is refused" {
	cfg '.process.args = ["true"]'
	dlf create --bundle "$BUNDLE" c1
	[ "$status" -eq 0 ]
	dlf start c1
	[ "$status" -eq 0 ]
	sleep 0.3
	run dl exec --pid-file "$TEST_ROOT/x" c1 true
	[ "$status" -eq 1 ]
	assert_eq 'droplet: container "c1" is stopped, not running' "$output"
	dl delete c1
}

@test "the Raind way: create, start, exit code recorded by the monitor, restart, delete" {
	mkdir -p "$STATE/r1"
	mv "$BUNDLE/rootfs" "$STATE/r1/rootfs"
	jq '.process.args = ["sh","-c","echo hello from raind; exit 5"]' "$BUNDLE/config.json" >"$STATE/r1/config.json"
	run dl create r1
	[ "$status" -eq 0 ]
	[ "$(dl state r1 | jq -r .status)" = created ]
	[ "$(dl state r1 | jq -r .shimPid)" -gt 0 ]
	dl start r1
	for i in $(seq 50); do [ "$(dl state r1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	run dl state r1
	[ "$(echo "$output" | jq -r .status)" = stopped ]
	[ "$(echo "$output" | jq -r .exit_code)" = 5 ]
	[ "$(echo "$output" | jq -r .reason)" = Exited ]
	grep -q "hello from raind" "$STATE/r1/logs/init.log"
	# restart: create again on the stopped container
	run dl create r1
	[ "$status" -eq 0 ]
	dl delete --force r1
	[ -f "$STATE/r1/config.json" ]
	[ ! -e "$STATE/r1/state.json" ]
	rm -rf "$STATE/r1"
}

@test "run -d: runc style returns once the process runs; the Raind way leaves the monitor to record the exit" {
	cfg '.process.args = ["sleep", "100"]'
	# $(...) returns only when nobody holds the pipe: a detached run must not
	out=$(timeout 10 "$DROPLET" --root "$STATE" run -d --bundle "$BUNDLE" --pid-file "$TEST_ROOT/d1.pid" d1 </dev/null >/dev/null 2>&1; echo rc=$?)
	assert_eq rc=0 "$out"
	local pid
	pid=$(dl state d1 | jq -r .pid)
	assert_eq "$pid" "$(cat "$TEST_ROOT/d1.pid")"
	[ "$(dl state d1 | jq -r .status)" = running ]
	assert_eq "sleep100" "$(tr -d '\0' </proc/$pid/cmdline)"
	dl kill d1 KILL
	for i in $(seq 50); do [ "$(dl state d1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	[ "$(dl state d1 | jq -r .status)" = stopped ]
	dl delete d1
	[ ! -e "$STATE/d1" ]
	# the Raind form: the bundle is <root>/<id>
	mkdir -p "$STATE/d2"
	mv "$BUNDLE/rootfs" "$STATE/d2/rootfs"
	jq '.process.args = ["sh","-c","sleep 0.3; exit 7"]' "$BUNDLE/config.json" >"$STATE/d2/config.json"
	out=$(timeout 10 "$DROPLET" --root "$STATE" run -d d2 2>&1; echo rc=$?)
	assert_eq rc=0 "$out"
	[ "$(dl state d2 | jq -r .shimPid)" -gt 0 ]
	for i in $(seq 50); do [ "$(dl state d2 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	run dl state d2
	[ "$(echo "$output" | jq -r .exit_code)" = 7 ]
	[ "$(echo "$output" | jq -r .reason)" = Exited ]
	dl delete d2
	rm -rf "$STATE/d2"
}

@test "the Raind create does not keep the caller's stdout open" {
	mkdir -p "$STATE/r2"
	mv "$BUNDLE/rootfs" "$STATE/r2/rootfs"
	jq '.process.args = ["sleep","100"]' "$BUNDLE/config.json" >"$STATE/r2/config.json"
	# $(...) returns only when every writer of the pipe has closed it
	out=$(timeout 10 "$DROPLET" --root "$STATE" create r2 2>&1; echo rc=$?)
	[[ "$out" == *rc=0* ]]
	dl delete --force r2
	rm -rf "$STATE/r2"
}

@test "Raind kill without a signal stops the container within the grace period" {
	mkdir -p "$STATE/r3"
	mv "$BUNDLE/rootfs" "$STATE/r3/rootfs"
	jq '.process.args = ["sh","-c","trap \"\" TERM; while :; do sleep 1; done"]' "$BUNDLE/config.json" >"$STATE/r3/config.json"
	dl create r3
	dl start r3
	local t0=$(date +%s)
	dl kill r3
	[ $(( $(date +%s) - t0 )) -le 6 ]
	run dl state r3
	[ "$(echo "$output" | jq -r .status)" = stopped ]
	[ "$(echo "$output" | jq -r .reason)" = Signaled ]
	[ "$(echo "$output" | jq -r .exit_code)" = 137 ]
	dl delete r3
	rm -rf "$STATE/r3"
}

@test "pod: a member joins the owner's namespaces by path, no veth for a joined netns" {
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" owner
	[ "$status" -eq 0 ]
	dlf start owner
	local pid
	pid=$(dl state owner | jq -r .pid)
	local conf
	conf=$(jq -nc '{hostInterface:"eth0",bridgeInterface:"dltpodbr",interface:{name:"dltpodveth",ipv4:{address:"10.199.88.2/24",gateway:"10.199.88.254"}}}')
	cfg --arg p "$pid" --arg c "$conf" '.linux.namespaces |= map(if .type == "network" or .type == "ipc" or .type == "uts" then .path = "/proc/\($p)/ns/" + ({"network":"net","ipc":"ipc","uts":"uts"}[.type]) else . end)
		| .annotations["io.raind.net.config"] = $c | del(.hostname)
		| .process.args = ["sh","-c","for n in net ipc uts pid; do readlink /proc/self/ns/$n; done"]'
	run dl run --bundle "$BUNDLE" member
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "$(readlink /proc/$pid/ns/net)" "${lines[0]}"
	assert_eq "$(readlink /proc/$pid/ns/ipc)" "${lines[1]}"
	assert_eq "$(readlink /proc/$pid/ns/uts)" "${lines[2]}"
	[ "${lines[3]}" != "$(readlink /proc/$pid/ns/pid)" ]
	! ip link show dltpodveth 2>/dev/null
	! ip link show dltpodbr 2>/dev/null
	dl delete --force owner
}

@test "pod: a namespace path of the wrong type is refused" {
	cfg '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/ipc" else . end)'
	run dl run --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	assert_eq 'droplet: linux.namespaces: path "/proc/self/ns/ipc": not a network namespace' "$output"
	[ ! -e "$STATE/c1" ]
}

@test "pod: a member joins the owner's user namespace and creates its own mount, uts and ipc inside it" {
	chmod 755 "$TEST_ROOT" "$BUNDLE"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	cp "$BUNDLE/config.json" "$TEST_ROOT/owner.json"
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" uowner
	[ "$status" -eq 0 ]
	dlf start uowner
	local pid
	pid=$(dl state uowner | jq -r .pid)
	jq --arg p "$pid" '.linux.namespaces |= map(if .type == "user" or .type == "pid" or .type == "network" then .path = "/proc/\($p)/ns/" + ({"user":"user","pid":"pid","network":"net"}[.type]) else . end)
		| del(.linux.uidMappings) | del(.linux.gidMappings) | .hostname = "member"
		| .process.args = ["sh","-c","for n in user mnt uts ipc; do readlink /proc/self/ns/$n; done; hostname; cat /proc/self/uid_map; grep ^0:: /proc/self/cgroup"]' \
		"$TEST_ROOT/owner.json" >"$BUNDLE/config.json"
	run dl run --bundle "$BUNDLE" umember
	[ "$status" -eq 0 ]
	assert_eq "$(readlink /proc/$pid/ns/user)" "${lines[0]}"
	[ "${lines[1]}" != "$(readlink /proc/$pid/ns/mnt)" ] && [ "${lines[1]}" != "$(readlink /proc/self/ns/mnt)" ]
	[ "${lines[2]}" != "$(readlink /proc/$pid/ns/uts)" ] && [ "${lines[2]}" != "$(readlink /proc/self/ns/uts)" ]
	[ "${lines[3]}" != "$(readlink /proc/$pid/ns/ipc)" ]
	assert_eq member "${lines[4]}"
	[[ "${lines[5]}" =~ ^\ +0\ +100000\ +65536$ ]]
	assert_eq "0::/" "${lines[6]}" # its cgroup namespace is rooted at its own cgroup
	dl delete --force uowner
}

@test "pod: a member joins the owner's user namespace and creates its own pid and time namespaces inside it" {
	chmod 755 "$TEST_ROOT" "$BUNDLE"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	cp "$BUNDLE/config.json" "$TEST_ROOT/owner.json"
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" powner
	[ "$status" -eq 0 ]
	dlf start powner
	local pid
	pid=$(dl state powner | jq -r .pid)
	jq --arg p "$pid" '.linux.namespaces |= map(if .type == "user" then .path = "/proc/\($p)/ns/user" else . end)
		| .linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime":{"secs":86400,"nanosecs":0}}
		| del(.linux.uidMappings) | del(.linux.gidMappings) | .process.args = ["sleep", "100"]' \
		"$TEST_ROOT/owner.json" >"$BUNDLE/config.json"
	dlf create --bundle "$BUNDLE" pmember
	[ "$status" -eq 0 ]
	dlf start pmember
	local mpid
	mpid=$(dl state pmember | jq -r .pid)
	# from the host: the member's pid and time namespaces are new and owned by the owner's user namespace
	assert_eq "$(readlink /proc/$pid/ns/user)" "$(readlink /proc/$mpid/ns/user)"
	[ "$(readlink /proc/$mpid/ns/pid)" != "$(readlink /proc/$pid/ns/pid)" ]
	[ "$(readlink /proc/$mpid/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
	[ "$(readlink /proc/$mpid/ns/time)" != "$(readlink /proc/self/ns/time)" ]
	assert_eq "$(awk '/^NSpid/ {print $3}' /proc/$mpid/status)" 1
	assert_eq "$(awk '/^Uid/ {print $2}' /proc/$mpid/status)" 100000
	assert_eq "$mpid" "$(dl ps pmember --format json | jq -r '.[]')"
	# from inside, through exec (which joins user first, then pid and time)
	run dl exec pmember sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "; echo; cut -d" " -f1 /proc/uptime; readlink /proc/self/ns/user'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 1 ]
	assert_eq "sleep 100 " "${lines[1]}"
	[ "${lines[2]%.*}" -ge 86400 ]
	assert_eq "$(readlink /proc/$pid/ns/user)" "${lines[3]}"
	dl delete --force pmember
	dl delete --force powner
}

@test "pod: a member joins the owner's user and pid namespaces; its cgroup holds its host pid" {
	chmod 755 "$TEST_ROOT" "$BUNDLE"
	chown -R 100000:100000 "$BUNDLE/rootfs"
	cfg '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
	cp "$BUNDLE/config.json" "$TEST_ROOT/owner.json"
	cfg '.process.args = ["sleep", "100"]'
	dlf create --bundle "$BUNDLE" jowner
	dlf start jowner
	local pid mpid
	pid=$(dl state jowner | jq -r .pid)
	jq --arg p "$pid" '.linux.namespaces |= map(if .type == "user" or .type == "pid" then .path = "/proc/\($p)/ns/" + .type else . end)
		| del(.linux.uidMappings) | del(.linux.gidMappings) | .process.args = ["sleep", "100"]' \
		"$TEST_ROOT/owner.json" >"$BUNDLE/config.json"
	dlf create --bundle "$BUNDLE" jmember
	[ "$status" -eq 0 ]
	dlf start jmember
	[ "$status" -eq 0 ]
	mpid=$(dl state jmember | jq -r .pid)
	assert_eq "$(readlink /proc/$pid/ns/pid)" "$(readlink /proc/$mpid/ns/pid)"
	assert_eq "$(readlink /proc/$pid/ns/user)" "$(readlink /proc/$mpid/ns/user)"
	assert_eq "sleep100" "$(tr -d '\0' </proc/$mpid/cmdline)"
	assert_eq "$mpid" "$(dl ps jmember --format json | jq -r '.[]')"
	dl delete --force jmember
	dl delete --force jowner
}
