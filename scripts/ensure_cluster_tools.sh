#!/usr/bin/env bash
# `make cluster`, `make load` and `make cluster-check` run the production shape on one machine: nginx in
# front of the app servers (Debian's nginx-light, or nginx), and wrk for quick single-URL checks. Installs
# them when missing and we are allowed to (root, or passwordless sudo); PostgreSQL's server binaries
# (initdb, pg_ctl) and redis-server come from the same place when they are missing too.
set -euo pipefail
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
command -v openssl >/dev/null || need+=(openssl)
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing ${need[*]} for the cluster…"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "Cannot install ${need[*]} (not root, no sudo): install them and run this again." >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
install() { $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }
# Debian's nginx package starts a server on port 80 when it is installed; this cluster runs its own.
# policy-rc.d keeps the package scripts from starting any service while we install.
cleanup_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  cleanup_policy=1
fi
trap '[ -n "$cleanup_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
install "${need[@]}" || { $SUDO apt-get update -q >/dev/null && install "${need[@]}"; } || {
  # nginx-light is a transitional package on some releases: plain nginx then.
  need=("${need[@]/nginx-light/nginx}")
  install "${need[@]}"
}
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx did not install" >&2; exit 1; }
