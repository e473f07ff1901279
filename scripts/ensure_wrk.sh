#!/usr/bin/env bash
# `make bench` measures pages with wrk (Debian's package), as issue 19 does. Installs it when missing and we
# are allowed to (root, or passwordless sudo); does nothing when it is already there.
set -euo pipefail
command -v wrk >/dev/null && exit 0
echo "Installing wrk for the page bench…"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "Cannot install wrk (not root, no sudo): install it (apt-get install wrk) or run the bench with --python." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends wrk >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends wrk >/dev/null
}
command -v wrk >/dev/null || { echo "wrk is still missing after apt-get install wrk" >&2; exit 1; }
