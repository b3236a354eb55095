#!/bin/sh
# Creates the account jiceng runs as and its private data directory.
set -e
if ! getent group jiceng >/dev/null; then
  groupadd --system jiceng
fi
if ! getent passwd jiceng >/dev/null; then
  useradd --system --gid jiceng --home-dir /var/lib/jiceng --no-create-home \
    --shell /usr/sbin/nologin --comment "jiceng server" jiceng
fi
install -d -o jiceng -g jiceng -m 0700 /var/lib/jiceng
# The settings may hold a database password: root and the service only.
chown root:jiceng /etc/jiceng/jiceng.env
chmod 0640 /etc/jiceng/jiceng.env
# Nothing inside /var/lib/jiceng is touched as root: the service owns it,
# and root following its links would hand it other files. (jiceng itself
# creates its key file 0600 and refuses one others may read.)
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  # An upgrade (configure with the version before): the new binary takes
  # over, migrating the database as it starts.
  if [ "$1" = configure ] && [ -n "${2:-}" ]; then
    systemctl try-restart jiceng.service >/dev/null 2>&1 || true
  fi
fi
if [ ! -e /var/lib/jiceng/jiceng.db ]; then
  cat <<'MSG'
jiceng is installed. Create the database once, as the service's account:
  sudo -u jiceng sh -c 'set -a; . /etc/jiceng/jiceng.env; jiceng init --region 4501 --admin admin --password-stdin' < admin-password.txt
then start it:
  systemctl enable --now jiceng
MSG
fi
