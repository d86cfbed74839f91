#!/usr/bin/env bash
# Installs the programs nstui's tests drive for real, when they are missing:
# tmux (end-to-end tests and pane benchmarks), iproute2 (ip netns),
# util-linux (lsns/unshare/nsenter to compare against), vim/less/procps
# (full-screen programs in panes), gcc (cgo), python3 (a test's child
# program and the pane benchmarks). Debian/Ubuntu; needs root.
set -euo pipefail
need=()
for tool in tmux:tmux ip:iproute2 unshare:util-linux nsenter:util-linux lsns:util-linux \
            setpriv:util-linux vim:vim less:less top:procps gcc:gcc python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${need[*]} — install them (as root: apt-get install ${need[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
