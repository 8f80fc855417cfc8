#!/usr/bin/env bash
# tools/demo.sh: the embedded default: makes a busybox rootfs bundle under
# ${DEMO_DIR:-/tmp/droplet-demo}, writes its config with `droplet spec`, and
# runs a container that reports from inside.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
D=${DEMO_DIR:-/tmp/droplet-demo}
DROPLET=$REPO/bin/droplet
rm -rf "$D" && mkdir -p "$D/bundle/rootfs"/{bin,proc,sys,dev,tmp,etc,root}
cp "$(command -v busybox)" "$D/bundle/rootfs/bin/busybox"
for a in $("$D/bundle/rootfs/bin/busybox" --list); do
	[ -e "$D/bundle/rootfs/bin/$a" ] || ln -s busybox "$D/bundle/rootfs/bin/$a"
done
"$DROPLET" spec --output "$D/bundle" \
	--hostname demo \
	--command "sh -c 'echo hello from \$(hostname), pid \$\$, uid \$(id -u); grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status'"
"$DROPLET" --root "$D/state" run --bundle "$D/bundle" demo
