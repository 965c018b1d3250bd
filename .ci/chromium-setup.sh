#!/usr/bin/env bash
# Installs what the browser suite (test/browser, `npm run test:browser`) needs: Debian's chromium,
# driven by playwright-core at /usr/bin/chromium (no browser download: none can be fetched here).
# Idempotent and fast when already installed.
set -euo pipefail

if dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  echo "chromium-setup: already installed"
else
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "chromium-setup: installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium
fi

test -x /usr/bin/chromium || { echo 'chromium-setup: /usr/bin/chromium missing' >&2; exit 1; }
echo "chromium-setup: ok ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
