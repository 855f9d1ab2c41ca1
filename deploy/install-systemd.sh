#!/usr/bin/env bash
# Install and start the ocrsite systemd services (run after `make setup`, as root).
#
#   sudo deploy/install-systemd.sh [--user NAME] [--worker-only]
#   deploy/install-systemd.sh --render-to DIR    # only write the filled-in units to DIR
#
# --user         the account the services run as (default: the one who called sudo)
# --worker-only  scale-out host: the OCR queue only (DATABASE_URL and REDIS_URL in the env file)
#
# On WSL2 it also makes sure /etc/wsl.conf has `systemd=true` (then run `wsl --shutdown` once).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_dir="$(dirname "$here")"
user="${SUDO_USER:-$(id -un)}"
render_to=""
units=(ocrsite.target ocrsite-web.service ocrsite-worker.service)
services=(ocrsite-web.service ocrsite-worker.service)

while [[ $# -gt 0 ]]; do
    case "$1" in
        --user) user="$2"; shift 2 ;;
        --render-to) render_to="$2"; shift 2 ;;
        --worker-only) services=(ocrsite-worker.service); shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

render() {  # render DEST_DIR: the units with this checkout's path and the service account
    mkdir -p "$1"
    for unit in "${units[@]}"; do
        sed -e "s|@APP_DIR@|$app_dir|g" -e "s|@USER@|$user|g" "$here/systemd/$unit" >"$1/$unit"
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
if ! id "$user" >/dev/null 2>&1; then
    echo "no such user: $user" >&2
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

render /etc/systemd/system
install -d -m 0755 /etc/ocrsite
if [[ ! -e /etc/ocrsite/ocrsite.env ]]; then
    install -m 0640 -g "$(id -gn "$user")" "$here/ocrsite.env.example" /etc/ocrsite/ocrsite.env
fi
install -d -m 0755 /etc/systemd/journald.conf.d
install -m 0644 "$here/systemd/journald-ocrsite.conf" /etc/systemd/journald.conf.d/ocrsite.conf
systemctl restart systemd-journald

systemctl daemon-reload
systemctl enable "${services[@]}" ocrsite.target
systemctl restart ocrsite.target
systemctl --no-pager --lines=5 status "${services[@]}" || true
echo "Installed. Logs: journalctl -u ocrsite-web -u ocrsite-worker -f"
