#!/usr/bin/env bash
# Run a manage.py command on the installed site as its services run: as their account, with
# the settings of /etc/ocrsite/ocrsite.env, and whatever it writes readable by that account alone
# (backups hold every document and password hash).
#
#   sudo deploy/manage.sh export_all /var/backups/ocrsite/$(date +%F)
#   sudo deploy/manage.sh import_all /var/backups/ocrsite/2026-12-01
#   sudo deploy/manage.sh ocr_models list
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
env_file="${OCRSITE_ENV_FILE:-/etc/ocrsite/ocrsite.env}"

if [[ $EUID -ne 0 ]]; then
    echo "run as root: sudo $0 $*" >&2
    exit 1
fi
# The services' account (install-systemd.sh passes it while it installs them).
user="${OCRSITE_SERVICE_USER:-$(systemctl show --property=User --value ocrsite-worker.service 2>/dev/null || true)}"
user="${user:-ocrsite}"

# The env file as systemd reads it: KEY=value lines, taken literally (no shell expansion),
# quotes around a whole value removed.
if [[ -r "$env_file" ]]; then
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
        name="${BASH_REMATCH[1]}"
        value="${BASH_REMATCH[2]}"
        if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
            value="${BASH_REMATCH[1]}"
        fi
        export "$name=$value"
    done <"$env_file"
fi

cd "$app_dir"
umask 077
exec runuser -u "$user" -- "$app_dir/.venv/bin/python" manage.py "$@"
