#!/usr/bin/env bash
# Install and start the ocrsite systemd services (run after `make setup`, as root).
#
#   sudo deploy/install-systemd.sh [--user NAME] [--worker-only]
#   deploy/install-systemd.sh --render-to DIR [--user NAME]   # only write the filled-in units
#   deploy/install-systemd.sh --root DIR [--worker-only]      # dry run into DIR (no root needed)
#
# --user         the account the services run as (default: ocrsite, a system account made here
#                that can read the code but not change it)
# --worker-only  scale-out host: the OCR queue only (DATABASE_URL and REDIS_URL in the env file)
#
# The intake folders' service writes only the folders listed in OCRSITE_FOLDERS in the env file:
# add a folder there and run this script again.
# --root DIR     a dry run: every file is written under DIR, and the commands that would change
#                the system (accounts, ownership, systemctl, the database) are printed instead
#
# The services keep their data (database, files, keys) in OCRSITE_DATA_DIR, /var/lib/ocrsite
# unless /etc/ocrsite/ocrsite.env says otherwise, readable by the service account alone; the
# first install copies what `make run` kept in the checkout's data/ folder there. The models
# stay in the checkout. Commands on the installed site: sudo deploy/manage.sh COMMAND.
#
# On WSL2 it also makes sure /etc/wsl.conf has `systemd=true` (then run `wsl --shutdown` once),
# and installs /usr/local/sbin/ocrsite-wsl, which the Windows scripts call (deploy/wsl/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
user="ocrsite"
render_to=""
root=""
units=(ocrsite.target ocrsite-web.service ocrsite-worker.service ocrsite-integrations.service)
services=(ocrsite-web.service ocrsite-worker.service ocrsite-integrations.service)

while [[ $# -gt 0 ]]; do
    case "$1" in
        --user) user="$2"; shift 2 ;;
        --render-to) render_to="$2"; shift 2 ;;
        --root) root="$(realpath -m "$2")"; shift 2 ;;
        --worker-only) services=(ocrsite-worker.service); shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

env_file="$root/etc/ocrsite/ocrsite.env"
# The data folder: the env file's OCRSITE_DATA_DIR, else /var/lib/ocrsite.
env_value() {  # env_value NAME: its last value in the env file, if any
    [[ -r "$env_file" ]] && sed -n "s/^[[:space:]]*$1=//p" "$env_file" | tail -n 1
}
data_dir="$(env_value OCRSITE_DATA_DIR || true)"
data_dir="${data_dir:-/var/lib/ocrsite}"
# The intake and output folders the integrations service may write (colon-separated).
folders="$(env_value OCRSITE_FOLDERS || true)"

render() {  # render DEST_DIR: the units and their sandbox drop-ins, filled in
    mkdir -p "$1"
    local fill=(-e "s|@APP_DIR@|$app_dir|g" -e "s|@USER@|$user|g" -e "s|@DATA_DIR@|$data_dir|g")
    for unit in "${units[@]}"; do
        sed "${fill[@]}" "$here/systemd/$unit" >"$1/$unit"
    done
    for service in ocrsite-web.service ocrsite-worker.service ocrsite-integrations.service; do
        mkdir -p "$1/$service.d"
        sed "${fill[@]}" "$here/systemd/sandbox.conf" >"$1/$service.d/sandbox.conf"
    done
    {
        printf '# From OCRSITE_FOLDERS in /etc/ocrsite/ocrsite.env, by install-systemd.sh.\n'
        printf '[Service]\n'
        local folder
        IFS=: read -ra listed <<<"$folders"
        for folder in "${listed[@]}"; do  # quoted: Windows folders have spaces; "-": may be absent
            [[ -n "$folder" ]] && printf 'ReadWritePaths="-%s"\n' "$folder"
        done
    } >"$1/ocrsite-integrations.service.d/folders.conf"
}

if [[ -n "$render_to" ]]; then
    render "$render_to"
    exit 0
fi

# The dry run prints what changes owners, accounts and services; the real run does it.
run() {
    if [[ -n "$root" ]]; then
        echo "would run: $*"
    else
        "$@"
    fi
}

if [[ $EUID -ne 0 && -z "$root" ]]; then
    echo "run as root: sudo $0 $*" >&2
    exit 1
fi
if [[ ! -x "$app_dir/.venv/bin/python" ]]; then
    echo "no $app_dir/.venv: run 'make setup' first" >&2
    exit 1
fi

# The helper the Windows scripts call (root's: they run it as root at boot).
install -D -m 0755 "$here/wsl/ocrsite-wsl.sh" "$root/usr/local/sbin/ocrsite-wsl"
if [[ -n "$root" ]]; then
    install -d "$root/etc"
    "$here/wsl/ocrsite-wsl.sh" wsl-conf "$root/etc/wsl.conf"
elif grep -qi microsoft /proc/sys/kernel/osrelease 2>/dev/null \
    && ! grep -Eq '^\s*systemd\s*=\s*true' /etc/wsl.conf 2>/dev/null; then
    "$here/wsl/ocrsite-wsl.sh" wsl-conf /etc/wsl.conf
    echo "Enabled systemd in /etc/wsl.conf. In Windows run 'wsl --shutdown', open the" \
        "distribution again and re-run this script." >&2
    exit 1
fi
if [[ -z "$root" && "$(ps -o comm= -p 1)" != "systemd" ]]; then
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
    run useradd --system --user-group --home-dir "$data_dir" --no-create-home \
        --shell /usr/sbin/nologin ocrsite
fi
group="$(id -gn "$user" 2>/dev/null || echo "$user")"
as_service() { runuser -u "$user" -- "$@"; }
# It runs the code but must not be able to change it (the dry run has no such account to ask).
if [[ -n "$root" ]]; then
    echo "would check that $user can run $app_dir/.venv/bin/python and cannot change $app_dir"
elif ! as_service "$app_dir/.venv/bin/python" -c "import django" 2>/dev/null; then
    echo "the account $user cannot run $app_dir/.venv/bin/python: let it read the checkout" \
        "and the Python it was made with (keep the checkout in /opt/ocrsite, or give others" \
        "passage through its parent folders: chmod o+x on each)" >&2
    exit 1
fi
for path in "$app_dir" "$app_dir/manage.py" "$app_dir/documents" "$app_dir/.venv/bin"; do
    if [[ -z "$root" ]] && as_service test -w "$path"; then
        echo "the account $user can change $path: the services must run as an account that" \
            "cannot write the code (the default, ocrsite)" >&2
        exit 1
    fi
done

install -d -m 0755 "$root/etc/ocrsite"
if [[ ! -e "$env_file" ]]; then
    install -m 0640 "$here/ocrsite.env.example" "$env_file"
    printf '\n# Written by install-systemd.sh.\nOCRSITE_DATA_DIR=%s\nOCRSITE_MODELS_DIR=%s\n' \
        "$data_dir" "$app_dir/data/models" >>"$env_file"
fi
run chgrp "$group" "$env_file"
chmod 0640 "$env_file"  # it may hold database passwords: root and the services only

install -d -m 0700 "$root$data_dir"
if [[ ! -e "$root$data_dir/db.sqlite3" && -e "$app_dir/data/db.sqlite3" \
    && "$(realpath -m "$root$data_dir")" != "$(realpath "$app_dir/data")" ]]; then
    for kept in db.sqlite3 media secret_key; do
        [[ -e "$app_dir/data/$kept" ]] && run cp -a "$app_dir/data/$kept" "$root$data_dir/"
    done
    [[ -n "$root" ]] ||
        echo "copied the database, the files and the secret key from $app_dir/data to $data_dir"
fi
run chown -R "$user:$group" "$root$data_dir"
chmod -R go-rwx "$root$data_dir"

run env OCRSITE_SERVICE_USER="$user" "$here/manage.sh" migrate --noinput
run env OCRSITE_SERVICE_USER="$user" "$here/manage.sh" ensure_admin

render "$root/etc/systemd/system"
install -D -m 0644 "$here/systemd/journald-ocrsite.conf" \
    "$root/etc/systemd/journald.conf.d/ocrsite.conf"
run systemctl restart systemd-journald

run systemctl daemon-reload
run systemctl enable "${services[@]}" ocrsite.target
run systemctl restart ocrsite.target
[[ -n "$root" ]] && exit 0
systemctl --no-pager --lines=5 status "${services[@]}" || true
echo "Installed. Logs: journalctl -u ocrsite-web -u ocrsite-worker -u ocrsite-integrations -f"
echo "Commands on the installed site: sudo $here/manage.sh COMMAND (e.g. export_all DIR)"
