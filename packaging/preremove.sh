#!/bin/sh
# Stops the service before its binary goes; the data directory stays.
set -e
if [ -d /run/systemd/system ]; then
  systemctl stop jiceng.service >/dev/null 2>&1 || true
fi
