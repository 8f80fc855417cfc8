#!/usr/bin/env bats
# Defences against the escapes that hit runc, tried from inside.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "CVE-2024-21626: the init starts with only stdio open" {
	cfg '.process.args = ["/bin/probe","fds"]'
	run dl run --bundle "$BUNDLE" h1 3</dev/null 7</etc/hostname
	[ "$status" -eq 0 ]
	assert_eq "0 1 2" "$output"
}

@test "CVE-2024-21626: an exec'd process starts with only stdio open" {
	cfg '.process.args = ["sleep","100"]'
	dlf create --bundle "$BUNDLE" h2
	dlf start h2
	run dl exec --pid-file "$TEST_ROOT/p" h2 /bin/probe fds 9</etc/hostname
	[ "$status" -eq 0 ]
	assert_eq "0 1 2" "$output"
	dl delete --force h2
}

@test "--preserve-fds passes exactly the fds asked for" {
	cfg '.process.args = ["/bin/probe","fds"]'
	run dl run --preserve-fds 1 --bundle "$BUNDLE" h3 3</etc/hostname 4</etc/hostname
	[ "$status" -eq 0 ]
	assert_eq "0 1 2 3" "$output"
}

@test "CVE-2019-5736: the container cannot open droplet through /proc/1/exe of an exec" {
	# while `exec` joins, its child is droplet itself inside the pid namespace;
	# after exec /proc/PID/exe is the container's binary, never droplet's
	cfg '.process.args = ["sh","-c","readlink /proc/1/exe; sleep 100"]'
	dlf create --bundle "$BUNDLE" h4
	dlf start h4
	run dl exec --pid-file "$TEST_ROOT/p" h4 sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done'
	[ "$status" -eq 0 ]
	[[ "$output" != *droplet* ]]
	dl delete --force h4
}

@test "noNewPrivileges shows in /proc/self/status, and can be off" {
	cfg '.process.args = ["grep","NoNewPrivs","/proc/self/status"]'
	run dl run --bundle "$BUNDLE" h5
	[[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
	cfg '.process.noNewPrivileges = false'
	run dl run --bundle "$BUNDLE" h6
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
}

@test "an AppArmor profile on a host without AppArmor is an error" {
	[ ! -e /sys/module/apparmor/parameters/enabled ] || [ "$(cat /sys/module/apparmor/parameters/enabled)" != Y ] || skip "AppArmor is enabled here"
	cfg '.process.apparmorProfile = "docker-default"'
	run dl run --bundle "$BUNDLE" h7
	[ "$status" -eq 1 ]
	assert_eq 'droplet: apparmor profile "docker-default": AppArmor is not enabled on this host' "$output"
}

@test "LISTEN_FDS: socket-activation fds stay open and the process is told" {
	cfg '.process.args = ["sh","-c","/bin/probe fds; echo $LISTEN_FDS $LISTEN_PID"]'
	LISTEN_FDS=2 run dl run --bundle "$BUNDLE" h8 3</etc/hostname 4</etc/hostname 5</etc/hostname
	[ "$status" -eq 0 ]
	assert_eq "0 1 2 3 4" "${lines[0]}"
	assert_eq "2 1" "${lines[1]}"
}

@test "SELinux labels are ignored (one debug line) where SELinux is off" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0" | .linux.mountLabel = "system_u:object_r:container_file_t:s0" | .process.args = ["true"]'
	run dl run --bundle "$BUNDLE" h9
	[ "$status" -eq 0 ]
	assert_eq "" "$output"
	run dl --debug --log "$TEST_ROOT/log" run --bundle "$BUNDLE" h9
	grep -q 'SELinux is not enabled: label "system_u:system_r:container_t:s0" ignored' "$TEST_ROOT/log"
}

@test "CVE-2025-52565: a /dev/console symlink in the rootfs is refused, never followed" {
	# no /dev tmpfs: the rootfs's own /dev is used, and its console points out
	cfg '.mounts |= map(select(.destination | startswith("/dev") | not)) | del(.linux.maskedPaths) | .process.args = ["true"]'
	echo host-secret >"$TEST_ROOT/secret"
	ln -s "$TEST_ROOT/secret" "$BUNDLE/rootfs/dev/console"
	run dl run -t --bundle "$BUNDLE" cve52565 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'"/dev/console"'* ]]
	assert_eq host-secret "$(cat "$TEST_ROOT/secret")"
	! grep -qF "$TEST_ROOT/secret" /proc/self/mountinfo
}
