#!/bin/sh
# Debian packages the browser tests need: Chromium, its driver, and CJK fonts so screenshots show Chinese.
# Installs what is missing when run as root; otherwise says what to install. Never downloads a browser itself.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "browser tests need:$missing (sudo apt-get install$missing); they are skipped without them" >&2
fi
