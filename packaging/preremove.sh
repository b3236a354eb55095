#!/bin/sh
# Stops the service before its binary goes for good; the data directory
# stays. On an upgrade ("upgrade" here) it keeps running until postinst
# restarts it on the new binary.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop jiceng.service >/dev/null 2>&1 || true
fi
