#!/usr/bin/env bash
# Browser tests drive Debian's chromium; screenshots need a CJK font to show Chinese; the video tests
# (and trainers' videos on the site) need ffmpeg. Installs them when missing and we are allowed to
# (root, or passwordless sudo).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || need+=(ffmpeg)
fc-list 2>/dev/null | grep -qi -E "noto sans cjk|wenquanyi|source han" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing ${need[*]} for the browser tests…"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "Cannot install ${need[*]} (not root, no sudo): browser and video tests will be skipped." >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
}
