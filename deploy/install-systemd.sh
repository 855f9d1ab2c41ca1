#!/usr/bin/env bash
# Install and start the ocrsite systemd services (run after `make setup`, as root).
#
#   sudo deploy/install-systemd.sh [--user NAME] [--worker-only]
#   deploy/install-systemd.sh --render-to DIR [--user NAME]   # only write the filled-in units
#
# --user         the account the services run as (default: ocrsite, a system account made here
#                that can read the code but not change it)
# --worker-only  scale-out host: the OCR queue only (DATABASE_URL and REDIS_URL in the env file)
#
# The services keep their data (database, files, keys) in OCRSITE_DATA_DIR, /var/lib/ocrsite
# unless /etc/ocrsite/ocrsite.env says otherwise, readable by the service account alone; the
# first install copies what `make run` kept in the checkout's data/ folder there. The models
# stay in the checkout. Commands on the installed site: sudo deploy/manage.sh COMMAND.
#
# On WSL2 it also makes sure /etc/wsl.conf has `systemd=true` (then run `wsl --shutdown` once).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
user="ocrsite"
env_file=/etc/ocrsite/ocrsite.env
render_to=""
units=(ocrsite.target ocrsite-web.service ocrsite-worker.service)
services=(ocrsite-web.service ocrsite-worker.service)

while [[ $# -gt 0 ]]; do
    case "$1" in
        --user) user="$2"; shift 2 ;;
        --render-to) render_to="$2"; shift 2 ;;
        --worker-only) services=(ocrsite-worker.service); shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

# The data folder: the env file's OCRSITE_DATA_DIR, else /var/lib/ocrsite.
data_dir=""
if [[ -r "$env_file" ]]; then
    data_dir="$(sed -n 's/^[[:space:]]*OCRSITE_DATA_DIR=//p' "$env_file" | tail -n 1)"
fi
data_dir="${data_dir:-/var/lib/ocrsite}"

render() {  # render DEST_DIR: the units and their sandbox drop-ins, filled in
    mkdir -p "$1"
    local fill=(-e "s|@APP_DIR@|$app_dir|g" -e "s|@USER@|$user|g" -e "s|@DATA_DIR@|$data_dir|g")
    for unit in "${units[@]}"; do
        sed "${fill[@]}" "$here/systemd/$unit" >"$1/$unit"
    done
    for service in ocrsite-web.service ocrsite-worker.service; do
        mkdir -p "$1/$service.d"
        sed "${fill[@]}" "$here/systemd/sandbox.conf" >"$1/$service.d/sandbox.conf"
    done
}

if [[ -n "$render_to" ]]; then
    render "$render_to"
    exit 0
fi

if [[ $EUID -ne 0 ]]; then
    echo "run as root: sudo $0 $*" >&2
    exit 1
fi
if [[ ! -x "$app_dir/.venv/bin/python" ]]; then
    echo "no $app_dir/.venv: run 'make setup' first" >&2
    exit 1
fi

if grep -qi microsoft /proc/sys/kernel/osrelease 2>/dev/null \
    && ! grep -Eq '^\s*systemd\s*=\s*true' /etc/wsl.conf 2>/dev/null; then
    if grep -Eq '^\s*systemd\s*=' /etc/wsl.conf 2>/dev/null; then
        sed -i -E 's/^\s*systemd\s*=.*/systemd=true/' /etc/wsl.conf
    elif grep -q '^\[boot\]' /etc/wsl.conf 2>/dev/null; then
        sed -i '/^\[boot\]/a systemd=true' /etc/wsl.conf
    else
        printf '\n[boot]\nsystemd=true\n' >>/etc/wsl.conf
    fi
    echo "Enabled systemd in /etc/wsl.conf. In Windows run 'wsl --shutdown', open the" \
        "distribution again and re-run this script." >&2
    exit 1
fi
if [[ "$(ps -o comm= -p 1)" != "systemd" ]]; then
    echo "systemd is not running as PID 1 (on WSL2: systemd=true in /etc/wsl.conf, then" \
        "'wsl --shutdown')" >&2
    exit 1
fi

# The service account: a system account without a login or a home of its own.
if ! id "$user" >/dev/null 2>&1; then
    if [[ "$user" != ocrsite ]]; then
        echo "no such user: $user" >&2
        exit 1
    fi
    useradd --system --user-group --home-dir "$data_dir" --no-create-home \
        --shell /usr/sbin/nologin ocrsite
    echo "created the system account ocrsite"
fi
group="$(id -gn "$user")"
as_service() { runuser -u "$user" -- "$@"; }
# It runs the code but must not be able to change it.
if ! as_service "$app_dir/.venv/bin/python" -c "import django" 2>/dev/null; then
    echo "the account $user cannot run $app_dir/.venv/bin/python: let it read the checkout" \
        "and the Python it was made with (keep the checkout in /opt/ocrsite, or give others" \
        "passage through its parent folders: chmod o+x on each)" >&2
    exit 1
fi
for path in "$app_dir" "$app_dir/manage.py" "$app_dir/documents" "$app_dir/.venv/bin"; do
    if as_service test -w "$path"; then
        echo "the account $user can change $path: the services must run as an account that" \
            "cannot write the code (the default, ocrsite)" >&2
        exit 1
    fi
done

install -d -m 0755 /etc/ocrsite
if [[ ! -e "$env_file" ]]; then
    install -m 0640 -g "$group" "$here/ocrsite.env.example" "$env_file"
    printf '\n# Written by install-systemd.sh.\nOCRSITE_DATA_DIR=%s\nOCRSITE_MODELS_DIR=%s\n' \
        "$data_dir" "$app_dir/data/models" >>"$env_file"
fi
chgrp "$group" "$env_file"
chmod 0640 "$env_file"  # it may hold database passwords: root and the services only

install -d -m 0700 -o "$user" -g "$group" "$data_dir"
if [[ ! -e "$data_dir/db.sqlite3" && -e "$app_dir/data/db.sqlite3" \
    && "$(realpath "$data_dir")" != "$(realpath "$app_dir/data")" ]]; then
    for kept in db.sqlite3 media secret_key; do
        [[ -e "$app_dir/data/$kept" ]] && cp -a "$app_dir/data/$kept" "$data_dir/"
    done
    echo "copied the database, the files and the secret key from $app_dir/data to $data_dir"
fi
chown -R "$user:$group" "$data_dir"
chmod -R go-rwx "$data_dir"

OCRSITE_SERVICE_USER="$user" "$here/manage.sh" migrate --noinput
OCRSITE_SERVICE_USER="$user" "$here/manage.sh" ensure_admin

render /etc/systemd/system
install -d -m 0755 /etc/systemd/journald.conf.d
install -m 0644 "$here/systemd/journald-ocrsite.conf" /etc/systemd/journald.conf.d/ocrsite.conf
systemctl restart systemd-journald

systemctl daemon-reload
systemctl enable "${services[@]}" ocrsite.target
systemctl restart ocrsite.target
systemctl --no-pager --lines=5 status "${services[@]}" || true
echo "Installed. Logs: journalctl -u ocrsite-web -u ocrsite-worker -f"
echo "Commands on the installed site: sudo $here/manage.sh COMMAND (e.g. export_all DIR)"
