#!/usr/bin/env bats
# net.bats: net.c driven directly through bin/net_driver (tests/net_driver.c),
# observed with iproute2. Every test works on its own network namespace (a
# `sleep` under `unshare --net`) and on links named dltn*; teardown kills the
# namespaces and deletes those links. Traffic stays on this machine: the only
# ping goes from a test namespace to the test bridge's own address.
#
# Build the driver first:
#   musl-gcc -std=gnu11 -Os -Wall -Wextra -Werror -Wno-unused-parameter \
#     -Wno-format-truncation -D_GNU_SOURCE -idirafter build/kinc -I. -static \
#     tests/net_driver.c net.c common.c -o bin/net_driver

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DRV=${NET_DRIVER:-$REPO/bin/net_driver}
LINKS="dltn_h1 dltn_h2 dltnbr0 dltnbr1 dltnv0"

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$DRV" ] || { echo "build bin/net_driver first (see tests/net_driver.c)" >&2; return 1; }
	NS_PIDS=()
	BEFORE=$(links)
}

teardown() {
	local p l
	for p in "${NS_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${NS_PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
	for l in $LINKS; do ip link del "$l" 2>/dev/null || true; done
}

# Host link names, sorted (the veth peer suffix "@ifN" stripped).
links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }

# new_ns: start a process in a fresh netns; its pid goes to $NS.
new_ns() {
	NS=$(unshare --net -- sleep 600 </dev/null >/dev/null 2>&1 3>&- & echo $!)
	NS_PIDS+=("$NS")
	local i
	for i in $(seq 100); do
		[ "$(readlink /proc/$NS/ns/net)" != "$(readlink /proc/self/ns/net)" ] && return 0
		sleep 0.02
	done
	echo "netns of $NS not ready" >&2
	return 1
}

in_ns() { nsenter --net="/proc/$NS/ns/net" -- "$@"; }

# no_link NAME [in_ns]: the link does not exist (on the host, or in $NS).
no_link() {
	if ${2:+"$2"} ip link show "$1" >/dev/null 2>&1; then
		echo "link $1 still exists" >&2
		return 1
	fi
}

ping1() {
	if command -v ping >/dev/null; then in_ns ping -c1 -W2 "$1"; else in_ns busybox ping -c1 -W2 "$1"; fi
}

@test "net: setup host and container, veth on the bridge, address, route, ping the gateway" {
	new_ns
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.31.2/24 10.199.31.254
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$DRV" container "$NS" dltnpeer 10.199.31.2/24 10.199.31.254
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	# host end: exists, UP, enslaved to the bridge
	run ip -o link show dltn_h1
	[[ "$output" == *"master dltnbr0"* ]]
	[[ "$output" == *"<"*"UP"*">"* ]]
	ip -d -o link show dltn_h1 | grep -q ' veth '
	# new bridge: a bridge, UP, holding gateway/prefix
	ip -d -o link show dltnbr0 | grep -q ' bridge '
	[[ "$(ip -o link show dltnbr0)" == *"<"*"UP"*">"* ]]
	[[ "$(ip -o -4 addr show dev dltnbr0)" == *"inet 10.199.31.254/24 brd 10.199.31.255 "* ]]

	# container: lo UP, eth0 renamed from the peer name, addressed, UP, default route
	[[ "$(in_ns ip -o link show lo)" == *"<"*"UP"*">"* ]]
	no_link dltnpeer in_ns
	[[ "$(in_ns ip -o link show eth0)" == *"<"*"UP"*">"* ]]
	[[ "$(in_ns ip -o -4 addr show dev eth0)" == *"inet 10.199.31.2/24 brd 10.199.31.255 scope global eth0"* ]]
	run in_ns ip route show default
	[ "$output" = "default via 10.199.31.254 dev eth0 " ] || [ "$output" = "default via 10.199.31.254 dev eth0" ]
	in_ns ip route show table main proto boot | grep -q '^default via 10.199.31.254'

	run ping1 10.199.31.254
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* || "$output" == *"1 received"* ]]
}

@test "net: peer created as eth0 directly (default hostInterface)" {
	new_ns
	"$DRV" host "$NS" dltn_h1 - dltnbr0 10.199.32.2/24 10.199.32.254
	"$DRV" container "$NS" - 10.199.32.2/24 10.199.32.254
	[[ "$(in_ns ip -o -4 addr show dev eth0)" == *"inet 10.199.32.2/24"* ]]
	run ping1 10.199.32.254
	[ "$status" -eq 0 ]
}

@test "net: teardown deletes the host veth, keeps the bridge, and is idempotent" {
	new_ns
	"$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.33.2/24 10.199.33.254
	run "$DRV" teardown dltn_h1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	no_link dltn_h1
	no_link dltnpeer in_ns
	ip link show dltnbr0 >/dev/null
	run "$DRV" teardown dltn_h1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$("$DRV" exists dltn_h1)" = 0 ]
	[ "$("$DRV" exists dltnbr0)" = 1 ]
}

@test "net: a second setup with the same interface name fails with File exists and leaves nothing" {
	new_ns
	"$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.34.2/24 10.199.34.254
	local first=$NS before
	new_ns
	before=$(links)
	# a bridge that does not exist yet must not be created either
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnbr1 10.199.34.3/24 10.199.34.254
	[ "$status" -eq 1 ]
	[ "$output" = 'droplet: net: create veth "dltn_h1": File exists' ]
	[ "$(links)" = "$before" ]
	[ "$(in_ns ip -o link show | wc -l)" -eq 1 ]
	# the first pair is untouched
	[[ "$(ip -o link show dltn_h1)" == *"master dltnbr0"* ]]
	NS=$first in_ns ip link show dltnpeer >/dev/null
}

@test "net: over-long and invalid names are rejected before anything is created" {
	new_ns
	run "$DRV" host "$NS" dltn_very_long_name dltnpeer dltnbr0 10.199.35.2/24 10.199.35.254
	[ "$status" -eq 1 ]
	[ "$output" = 'droplet: net: interface.name "dltn_very_long_name": longer than 15 characters' ]
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnbr_far_too_long 10.199.35.2/24 10.199.35.254
	[ "$output" = 'droplet: net: bridgeInterface "dltnbr_far_too_long": longer than 15 characters' ]
	run "$DRV" host "$NS" dltn_h1 dltn_peer_too_long_ dltnbr0 10.199.35.2/24 10.199.35.254
	[ "$output" = 'droplet: net: hostInterface "dltn_peer_too_long_": longer than 15 characters' ]
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.35.2 10.199.35.254
	[ "$output" = 'droplet: net: address "10.199.35.2": expected an IPv4 CIDR like 10.166.0.2/24' ]
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.35.2/24 10.199.35
	[ "$output" = 'droplet: net: gateway "10.199.35": not an IPv4 address' ]
	[ "$(links)" = "$BEFORE" ]
}

@test "net: a failed veth creation deletes the bridge this call created" {
	new_ns
	local gone=$NS
	kill "$gone"
	while kill -0 "$gone" 2>/dev/null; do sleep 0.05; done
	run "$DRV" host "$gone" dltn_h1 dltnpeer dltnbr1 10.199.36.2/24 10.199.36.254
	[ "$status" -eq 1 ]
	[ "$output" = "droplet: net: create veth \"dltn_h1\" (peer \"dltnpeer\" in the netns of pid $gone): No such process" ]
	[ "$(links)" = "$BEFORE" ]
}

@test "net: a peer name taken inside the container is reported by name, nothing left" {
	new_ns
	run "$DRV" host "$NS" dltn_h1 lo dltnbr1 10.199.37.2/24 10.199.37.254
	[ "$status" -eq 1 ]
	[ "$output" = "droplet: net: create veth \"dltn_h1\" (peer \"lo\" in the netns of pid $NS): File exists" ]
	[ "$(links)" = "$BEFORE" ]
}

@test "net: a failed attach deletes the veth and leaves an existing master alone" {
	new_ns
	# a "bridge" that cannot take ports: one end of a host veth pair
	ip link add dltnv0 type veth peer name dltnv1
	ip addr add 10.199.38.1/24 dev dltnv0
	BEFORE=$(links)
	run "$DRV" host "$NS" dltn_h1 dltnpeer dltnv0 10.199.38.2/24 10.199.38.254
	[ "$status" -eq 1 ]
	# musl says "Not supported", glibc "Operation not supported" (EOPNOTSUPP)
	[[ "$output" == 'droplet: net: attach "dltn_h1" to bridge "dltnv0": '@(Not supported|Operation not supported) ]]
	no_link dltn_h1
	[ "$(in_ns ip -o link show | wc -l)" -eq 1 ]
	[[ "$(ip -o -4 addr show dev dltnv0)" == *"10.199.38.1/24"* ]]
	[ "$(links)" = "$BEFORE" ]
}

@test "net: an existing bridge keeps its addresses" {
	new_ns
	ip link add dltnbr0 type bridge
	ip link set dltnbr0 up
	"$DRV" host "$NS" dltn_h1 dltnpeer dltnbr0 10.199.39.2/24 10.199.39.254
	[[ "$(ip -o link show dltn_h1)" == *"master dltnbr0"* ]]
	[ -z "$(ip -o -4 addr show dev dltnbr0)" ]
}

@test "net: without a bridge the host end is only set up" {
	new_ns
	"$DRV" host "$NS" dltn_h2 dltnpeer - 10.199.40.2/24 10.199.40.1
	[[ "$(ip -o link show dltn_h2)" == *"<"*"UP"*">"* ]]
	[[ "$(ip -o link show dltn_h2)" != *"master"* ]]
	"$DRV" container "$NS" dltnpeer 10.199.40.2/24 10.199.40.1
	in_ns ip route show default | grep -q 'via 10.199.40.1 dev eth0'
}

@test "net: loopback up in a fresh namespace" {
	new_ns
	[[ "$(in_ns ip -o link show lo)" != *"<"*"UP"*">"* ]]
	run "$DRV" lo "$NS"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$(in_ns ip -o link show lo)" == *"<"*"UP"*">"* ]]
}

@test "net: container setup reports a missing interface" {
	new_ns
	run "$DRV" container "$NS" dltnnone 10.199.41.2/24 10.199.41.1
	[ "$status" -eq 1 ]
	[ "$output" = 'droplet: net: container interface "dltnnone": No such device' ]
}
