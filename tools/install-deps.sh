#!/usr/bin/env bash
# Installs Droplet's build and test dependencies on Debian (idempotent).
set -euo pipefail
pkgs=(make gcc musl-tools busybox-static bats jq iproute2 clang clang-format libclang-rt-14-dev file procps psmisc tmux util-linux time bc python3)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi
