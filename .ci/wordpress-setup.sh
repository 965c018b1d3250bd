#!/usr/bin/env bash
# Installs what the WordPress integration suite (test/wordpress, `npm run test:wordpress`) needs:
# Debian's wordpress package, PHP CLI with mysqli, MariaDB, and gettext (the plugin's translation files
# are regenerated and compared by the suite). Idempotent and fast when already
# installed. Starts nothing: the suite's global setup starts a private MariaDB and `php -S` itself.
set -euo pipefail

PACKAGES=(wordpress php-cli php-mysql mariadb-server gettext)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "wordpress-setup: already installed (${PACKAGES[*]})"
else
  if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
  else
    SUDO=
  fi
  echo "wordpress-setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start MariaDB as a system service (no init system in CI containers).
  policy_created=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_created=1
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
  if [ -n "$policy_created" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi

# Sanity checks the suite relies on.
for bin in php mysqld mysql mysqladmin mysql_install_db xgettext msgmerge msgfmt; do
  command -v "$bin" >/dev/null || { echo "wordpress-setup: $bin not found on PATH" >&2; exit 1; }
done
php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' || { echo 'wordpress-setup: PHP mysqli extension missing' >&2; exit 1; }
test -f /usr/share/wordpress/wp-load.php || { echo 'wordpress-setup: /usr/share/wordpress missing' >&2; exit 1; }
echo "wordpress-setup: ok ($(php -r 'echo PHP_VERSION;'), $(mysqld --version | head -1))"
