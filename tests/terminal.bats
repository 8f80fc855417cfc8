#!/usr/bin/env bats
# terminal.bats: containers with a pty. `run -t` and `attach` are driven
# through tmux (send-keys / capture-pane) so they get a real terminal; the
# runc --console-socket path is checked with tests/console_recv.
load helpers

CONSOLE_RECV=${CONSOLE_RECV:-$REPO/bin/console_recv}

setup() {
	common_setup
	cfg '.process.terminal = true | .process.args = ["sh"]'
	TMUX_SOCK=$TEST_ROOT/tmux.sock
	# cgroups are host-wide: an id of our own
	ID=tm$BATS_TEST_NUMBER-$$
}

teardown() {
	# The tmux server's command line names $TEST_ROOT: stop it before the
	# leftover check.
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	local i
	for i in $(seq 1 50); do
		pgrep -f "$TMUX_SOCK" >/dev/null || break
		sleep 0.1
	done
	common_teardown
}

tm() { tmux -S "$TMUX_SOCK" "$@"; }

# tm_start NAME CMD: a 100x30 session running CMD in $BUNDLE; the pane stays
# after CMD ends and shows "EXIT=<code>".
tm_start() {
	local name=$1
	shift
	if ! tm has-session 2>/dev/null; then
		tm -f /dev/null new-session -d -s "$name" -x 100 -y 30 -c "$BUNDLE" \
			"$*; echo EXIT=\$?; sleep 600"
	else
		tm new-session -d -s "$name" -x 100 -y 30 -c "$BUNDLE" "$*; echo EXIT=\$?; sleep 600"
	fi
}

screen() { tm capture-pane -p -J -t "$1" -S -200; }

# wait_screen NAME REGEX: up to 10 s for REGEX (grep -E) on the pane.
wait_screen() {
	local i
	for i in $(seq 1 100); do
		screen "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	echo "# no /$2/ on pane $1:" >&2
	screen "$1" | sed 's/^/#   /' >&2
	return 1
}

# type_line NAME TEXT: type TEXT and Enter into the pane.
type_line() { tm send-keys -t "$1" -l "$2" && tm send-keys -t "$1" Enter; }

# raind_create ID: the Raind layout (<root>/ID is the bundle), create -t, start.
raind_create() {
	mkdir -p "$STATE"
	cp -a "$BUNDLE" "$STATE/$1"
	dl create -t "$1"
	dl start "$1"
	wait_status "$1" running
	local i
	for i in $(seq 1 50); do
		[ -S "$STATE/$1/tty.sock" ] && return 0
		sleep 0.1
	done
	echo "# no $STATE/$1/tty.sock" >&2
	return 1
}

wait_status() { # ID STATUS: up to 10 s
	local i
	for i in $(seq 1 100); do
		dl state "$1" 2>/dev/null | jq -e --arg s "$2" '.status == $s' >/dev/null && return 0
		sleep 0.1
	done
	dl state "$1" >&2 || true
	return 1
}

@test "console_recv: receives a pty master over SCM_RIGHTS (no droplet)" {
	[ -x "$CONSOLE_RECV" ] || skip "build bin/console_recv first"
	command -v python3 >/dev/null || skip "needs python3"
	"$CONSOLE_RECV" -s 25x90 -w 'stty size; exit' -n "$TEST_ROOT/name" "$TEST_ROOT/cs.sock" >"$TEST_ROOT/out" &
	local recv=$!
	for i in $(seq 1 50); do [ -S "$TEST_ROOT/cs.sock" ] && break; sleep 0.1; done
	python3 - "$TEST_ROOT/cs.sock" <<-'EOF'
		import os, socket, subprocess, sys
		m, s = os.openpty()
		c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		c.connect(sys.argv[1])
		socket.send_fds(c, [os.ttyname(s).encode()], [m])
		c.close(); os.close(m)
		p = subprocess.Popen(["sh"], stdin=s, stdout=s, stderr=s, start_new_session=True)
		os.close(s)
		sys.exit(p.wait())
	EOF
	wait "$recv"
	grep -q '25 90' "$TEST_ROOT/out"
	grep -q '^/dev/pts/[0-9]*$' "$TEST_ROOT/name"
}

@test "run -t: the container's terminal follows the caller's size and resizes" {
	tm_start run "$DROPLET --root $STATE run -t --bundle $BUNDLE $ID"
	type_line run 'stty size'
	wait_screen run '^30 100'
	tm resize-window -t run -x 120 -y 40
	type_line run 'stty size'
	wait_screen run '^40 120'
	type_line run 'tty; exit 3'
	wait_screen run '^/dev/pts/[0-9]+'
	wait_screen run '^EXIT=3$'
}

@test "run -t: stdin from a pipe ends with EOF, for a shell's line editor and for a canonical reader" {
	run timeout 20 bash -c "echo 'echo piped-\$((6*7))' | $DROPLET --root $STATE run -t --bundle $BUNDLE $ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *piped-42* ]]
	# the command runs in canonical mode between two prompts: the EOF must
	# wait for the next prompt, not turn into a NUL the line editor keeps
	run timeout 20 bash -c "printf 'sleep 1; echo slept\n' | $DROPLET --root $STATE run -t --bundle $BUNDLE $ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *slept* ]]
	cfg '.process.args = ["sh", "-c", "cat; echo cat-done"]'
	run timeout 20 bash -c "printf 'one\ntwo\n' | $DROPLET --root $STATE run -t --bundle $BUNDLE $ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *two*cat-done* ]]
}

@test "create -t: attach, detach with ctrl-p ctrl-q, attach again sees new output" {
	raind_create $ID
	tm_start a1 "$DROPLET --root $STATE attach $ID"
	type_line a1 'echo first-$((1+1))'
	wait_screen a1 '^first-2'
	type_line a1 'stty size'
	wait_screen a1 '^30 100'
	# output made while nobody is attached goes to the log only
	type_line a1 'sleep 1; echo while-detached'
	tm send-keys -t a1 C-p C-q
	wait_screen a1 '^EXIT=0$'
	dl state $ID | jq -e '.status == "running"'
	sleep 1.5
	tm_start a2 "$DROPLET --root $STATE attach $ID"
	sleep 0.3
	type_line a2 'echo second-$((2+2))'
	wait_screen a2 '^second-4'
	! screen a2 | grep -q '^first-2'
	type_line a2 'exit 0'
	wait_screen a2 '^EXIT=0$'
	wait_status $ID stopped
	grep -q 'first-2' "$STATE/$ID/logs/console.log"
	grep -q 'while-detached' "$STATE/$ID/logs/console.log"
	grep -q 'second-4' "$STATE/$ID/logs/console.log"
	dl delete $ID
}

@test "create -t: a second attach takes over from the first" {
	raind_create $ID
	tm_start a1 "$DROPLET --root $STATE attach $ID"
	type_line a1 'echo one'
	wait_screen a1 '^one'
	tm_start a2 "$DROPLET --root $STATE attach $ID"
	wait_screen a1 'EXIT=0$'
	type_line a2 'echo two'
	wait_screen a2 '^two'
	type_line a2 'exit'
	wait_screen a2 '^EXIT=0$'
	dl delete --force $ID
}

@test "--console-socket: the pty master goes to the socket (runc style)" {
	[ -x "$CONSOLE_RECV" ] || skip "build bin/console_recv first"
	"$CONSOLE_RECV" -s 25x90 -w 'stty size; tty; exit 7' "$TEST_ROOT/cs.sock" >"$TEST_ROOT/out" &
	local recv=$!
	for i in $(seq 1 50); do [ -S "$TEST_ROOT/cs.sock" ] && break; sleep 0.1; done
	dl create --bundle "$BUNDLE" --console-socket "$TEST_ROOT/cs.sock" $ID
	dl start $ID
	wait "$recv"
	grep -q '25 90' "$TEST_ROOT/out"
	grep -q '/dev/pts/[0-9]' "$TEST_ROOT/out"
	wait_status $ID stopped
	dl delete $ID
}

@test "create: process.terminal without --console-socket is refused (runc style)" {
	run dl create --bundle "$BUNDLE" $ID
	[ "$status" -ne 0 ]
	assert_eq "droplet: process.terminal: create needs --console-socket for a terminal" "$output"
}

@test "exec -t (Raind): a shim serves exec_tty.sock and logs; exec -t is its client" {
	raind_create $ID
	tm_start x1 "$DROPLET --root $STATE exec -t $ID sh"
	type_line x1 'echo in-exec-$((2+3)); tty'
	wait_screen x1 '^in-exec-5'
	wait_screen x1 '^/dev/pts/[0-9]+'
	type_line x1 'exit'
	wait_screen x1 'EXIT=0$'
	grep -q in-exec-5 "$STATE/$ID/logs/exec_console.log"
	dl delete --force $ID
}
