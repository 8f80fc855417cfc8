#!/usr/bin/env bats
# Networking through the real binary: the io.raind.net.config annotation
# gives the container a veth on the bridge, an address and a default route;
# nothing of it stays behind (the bridge itself is left, as Condenser expects).

load helpers

setup() {
	common_setup
	BR=dltbr$$
	HOSTIF=dltv$$
}
teardown() {
	ip link del "$BR" 2>/dev/null || true
	common_teardown
}

net_config() {
	local conf
	conf=$(jq -nc --arg br "$BR" --arg hif "$HOSTIF" \
		'{hostInterface:"eth0",bridgeInterface:$br,interface:{name:$hif,ipv4:{address:"10.199.77.2/24",gateway:"10.199.77.254"},dns:{servers:["10.199.77.254"]}}}')
	cfg --arg c "$conf" '.annotations["io.raind.net.config"] = $c'
}

@test "net: eth0 with the address and default route inside, veth on the bridge outside" {
	net_config
	cfg '.process.args = ["sh","-c","ip -o -4 addr show eth0; ip route; ip -o link show lo; cat /etc/resolv.conf"]'
	run dl run --bundle "$BUNDLE" n1
	[ "$status" -eq 0 ]
	[[ "$output" == *"eth0    inet 10.199.77.2/24"* ]]
	[[ "$output" == *"default via 10.199.77.254 dev eth0"* ]]
	[[ "$output" == *"lo: <LOOPBACK,UP,LOWER_UP>"* ]]
	[[ "$output" == *"nameserver 10.199.77.254"* ]]
	# the bridge was created; the veth is gone with the container
	ip link show "$BR" >/dev/null
	! ip link show "$HOSTIF" 2>/dev/null
}

@test "net: the host end is attached to the bridge while the container runs" {
	net_config
	cfg '.process.args = ["sleep","100"]'
	dlf create --bundle "$BUNDLE" n2
	[ "$status" -eq 0 ]
	ip -o link show "$HOSTIF" | grep -q "master $BR"
	ip -o link show "$HOSTIF" | grep -q "state UP\|,UP"
	dl delete --force n2
	! ip link show "$HOSTIF" 2>/dev/null
}

@test "net: an init that fails at its mounts while droplet sets up its network: its reason is told, the veth is gone" {
	net_config
	cfg '.mounts += [{destination: "/bad", type: "nosuchfs", source: "none"}]'
	run dl run --bundle "$BUNDLE" n9
	[ "$status" -ne 0 ]
	assert_eq 'droplet: mounts[7] "/bad": mount nosuchfs: No such device' "$output"
	! ip link show "$HOSTIF" 2>/dev/null
	[ ! -e "$STATE/n9" ]
}

@test "net: no network namespace, no veth" {
	net_config
	cfg '.linux.namespaces |= map(select(.type != "network")) | .process.args = ["true"]'
	run dl run --bundle "$BUNDLE" n3
	[ "$status" -eq 0 ]
	! ip link show "$HOSTIF" 2>/dev/null
}

@test "net: an interface name longer than 15 characters is refused, nothing left" {
	HOSTIF=dltthisnameistoolong
	net_config
	run dl run --bundle "$BUNDLE" n4
	[ "$status" -eq 1 ]
	assert_eq 'droplet: config.json: annotations["io.raind.net.config"].interface.name: must be 1..15 characters, not "dltthisnameistoolong"' "$output"
	[ ! -e "$STATE/n4" ]
}

@test "net: a new network namespace without Raind config has lo up and nothing else" {
	cfg '.process.args = ["sh","-c","ip -o link | wc -l; ip -o link show lo"]'
	run dl run --bundle "$BUNDLE" n5
	[ "$status" -eq 0 ]
	assert_eq 1 "${lines[0]}"
	[[ "${lines[1]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
}
