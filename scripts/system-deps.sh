#!/bin/sh
# Debian packages the browser tests need: Chromium, its driver, CJK fonts so screenshots show Chinese, Java for the
# Nu HTML checker, Node.js and npm for axe-core and the JavaScript tests.
# Installs what is missing when run as root; otherwise says what to install. Never downloads a browser itself.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"   # the Nu HTML checker
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"              # axe-core, the JS tests
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$missing"
  # Wait (up to 10 minutes) for another apt or dpkg holding the lock instead of failing at once.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    $missing >/dev/null
else
  echo "browser tests need:$missing (sudo apt-get install$missing); they are skipped without them" >&2
fi
