#!/usr/bin/env bash
# bench/run.sh [N]: droplet vs crun vs runc vs the floor, side by side in one
# run (alternating, N rounds, medians and ratios), plus peak RSS and size.
# All runtimes run inside one private mount namespace whose /sys/fs/cgroup is
# the cgroup2 hierarchy, because crun refuses this host's hybrid layout; crun
# and runc get their cgroup manager disabled/none there, droplet runs as is.
# Prints a markdown table (README's benchmark table comes from here).
set -euo pipefail
N=${1:-30}
REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${BENCH_INNER:-}" ]; then
	make -C "$REPO" -s bin/droplet
	musl-gcc -static -Os -D_GNU_SOURCE "$REPO/bench/floor.c" -o "$REPO/bin/floor"
	exec unshare -m env BENCH_INNER=1 bash "$0" "$@"
fi
mount --make-rprivate /
mount -t cgroup2 none /sys/fs/cgroup
W=$(mktemp -d /tmp/droplet-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/bundle/rootfs"/{bin,proc,dev,sys,tmp,etc}
cp /bin/busybox "$W/bundle/rootfs/bin/"
for a in sh true; do ln -s busybox "$W/bundle/rootfs/bin/$a"; done
cd "$W/bundle"
"$REPO/bin/droplet" spec >/dev/null
# the standard bundle: default namespaces, no cgroup limits, no seccomp
jq '.ociVersion="1.0.2" | .process.args=["/bin/true"] | .process.terminal=false | del(.linux.resources) | del(.linux.seccomp)' \
	config.json >c.json && mv c.json config.json

# Times come from $EPOCHREALTIME (microseconds) read inline: date(1) or a
# $(...) would fork and add its own cost to every sample.
declare -A T
run_one() { # name -> elapsed ns of one `run /bin/true`
	local t0 t1
	case $1 in
	floor) t0=${EPOCHREALTIME/./}; "$REPO/bin/floor" "$W/bundle/rootfs"; t1=${EPOCHREALTIME/./} ;;
	droplet) t0=${EPOCHREALTIME/./}; "$REPO/bin/droplet" --root "$W/s-droplet" run --bundle . b >/dev/null; t1=${EPOCHREALTIME/./} ;;
	crun) t0=${EPOCHREALTIME/./}; crun --cgroup-manager=disabled --root "$W/s-crun" run --bundle . b >/dev/null; t1=${EPOCHREALTIME/./} ;;
	runc) t0=${EPOCHREALTIME/./}; runc --root "$W/s-runc" run --bundle . b >/dev/null; t1=${EPOCHREALTIME/./} ;;
	esac
	echo $((10#$t1 - 10#$t0))
}
lifecycle_one() { # create + start + delete, elapsed us
	local t0 t1 r=$1
	local pre=()
	case $r in
	droplet) pre=("$REPO/bin/droplet" --root "$W/s-droplet") ;;
	crun) pre=(crun --cgroup-manager=disabled --root "$W/s-crun") ;;
	runc) pre=(runc --root "$W/s-runc") ;;
	esac
	t0=${EPOCHREALTIME/./}
	"${pre[@]}" create --bundle . l >/dev/null
	"${pre[@]}" start l
	while [ "$("${pre[@]}" state l 2>/dev/null | jq -r .status)" = running ]; do :; done
	"${pre[@]}" delete l
	t1=${EPOCHREALTIME/./}
	echo $((10#$t1 - 10#$t0))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
runtimes=(floor droplet crun runc)
for r in "${runtimes[@]}"; do : >"$W/run.$r"; : >"$W/life.$r"; done
for i in $(seq "$N"); do
	for r in "${runtimes[@]}"; do
		run_one "$r" >>"$W/run.$r"
		[ "$r" = floor ] || lifecycle_one "$r" >>"$W/life.$r"
	done
done
rss() {
	case $1 in
	floor) /usr/bin/time -f %M "$REPO/bin/floor" "$W/bundle/rootfs" 2>&1 >/dev/null | tail -1 ;;
	droplet) /usr/bin/time -f %M "$REPO/bin/droplet" --root "$W/s-droplet" run --bundle . b 2>&1 >/dev/null | tail -1 ;;
	crun) /usr/bin/time -f %M crun --cgroup-manager=disabled --root "$W/s-crun" run --bundle . b 2>&1 >/dev/null | tail -1 ;;
	runc) /usr/bin/time -f %M runc --root "$W/s-runc" run --bundle . b 2>&1 >/dev/null | tail -1 ;;
	esac
}
size() {
	case $1 in
	floor) stat -c %s "$REPO/bin/floor" ;;
	droplet) stat -c %s "$REPO/bin/droplet" ;;
	*) stat -c %s "$(command -v "$1")" ;;
	esac
}
crun_run=$(median <"$W/run.crun")
echo "| runtime | run /bin/true (median, ms) | vs crun | create+start+delete (ms) | peak RSS (KiB) | binary (KiB) |"
echo "|---|---|---|---|---|---|"
for r in "${runtimes[@]}"; do
	m=$(median <"$W/run.$r")
	l=$([ "$r" = floor ] && echo - || echo "scale=1; $(median <"$W/life.$r")/1000" | bc)
	printf '| %s | %s | %s | %s | %s | %s |\n' "$r" "$(echo "scale=1; $m/1000" | bc)" \
		"$(echo "scale=2; $m/$crun_run" | bc)x" "$l" "$(rss "$r")" "$(( $(size "$r") / 1024 ))"
done
echo
echo "$N rounds, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r)"
