#!/usr/bin/env bash
# The Linux half of the Windows scripts: what they ask the distribution, decided here where it
# can be tested. install-systemd.sh installs it as /usr/local/sbin/ocrsite-wsl (root's, like the
# units); the Windows scripts run it as root through wsl.exe:
#
#   ocrsite-wsl address            the address Windows forwards the LAN port to
#   ocrsite-wsl start [SECONDS]    wait for systemd (at most SECONDS, 240), start ocrsite.target
#   ocrsite-wsl keepalive          the keep-alive: records its pid, then sleeps for ever
#   ocrsite-wsl keepalive-check    exit 0 if that keep-alive is running in this distribution
#   ocrsite-wsl wsl-conf [FILE]    make sure FILE (/etc/wsl.conf) has what ocrsite needs
set -euo pipefail

run_dir="${OCRSITE_RUN_DIR:-/run/ocrsite}"
keepalive_pid="$run_dir/keepalive.pid"

# The distribution's address on WSL's NAT network. `hostname -I` lists every interface in no
# set order, docker0 (172.17.0.1) and other bridges included, which Windows cannot reach: take
# eth0 when it has a global IPv4 address, else the first global one not on a bridge, a virtual
# pair or a link-local range.
address() {
    ip -4 -o addr show scope global | awk '
        {
            name = $2; split($4, cidr, "/"); ip = cidr[1]
            if (name ~ /^(lo|docker[0-9]*|br-.*|virbr.*|veth.*|cni.*|flannel.*)$/) next
            if (ip ~ /^169\.254\./) next
            if (name == "eth0") { print ip; found = 1; exit }
            if (first == "") first = ip
        }
        END { if (!found && first != "") print first; if (!found && first == "") exit 1 }
    ' && return
    echo "no usable IPv4 address (ip -4 -o addr: $(ip -4 -o addr show | tr '\n' ';'))" >&2
    return 1
}

# Boot can hang on an unrelated unit: `is-system-running --wait` is bounded, and "degraded" (some
# other unit failed) or a timeout still lets ocrsite start; its own failure is what counts.
start() {
    local seconds="${1:-240}" state
    state="$(timeout "$seconds" systemctl is-system-running --wait 2>&1)" || true
    echo "systemd: ${state:-no answer within ${seconds} s}"
    systemctl start ocrsite.target
    echo "ocrsite.target: $(systemctl is-active ocrsite.target || true)"
}

# WSL ends a distribution once no Windows process is attached to it; the Windows side keeps one
# `wsl.exe ... ocrsite-wsl keepalive` running. /run is emptied each time the distribution starts,
# so a pid recorded there names a process of this boot of the distribution only.
keepalive() {
    mkdir -p "$run_dir"
    echo "$$" >"$keepalive_pid"
    exec sleep infinity
}

# After `wsl --terminate` or `--shutdown` the Windows process of the old keep-alive can linger,
# attached to nothing: the Windows side asks here whether a keep-alive really runs.
keepalive_check() {
    local pid
    pid="$(cat "$keepalive_pid" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == sleep ]]
}

# [boot] systemd=true: without it ocrsite.target never starts. Other keys and sections are kept.
wsl_conf() {
    local file="${1:-/etc/wsl.conf}"
    touch "$file"
    if grep -Eq '^\s*systemd\s*=' "$file"; then
        sed -i -E 's/^\s*systemd\s*=.*/systemd=true/' "$file"
    elif grep -Eq '^\s*\[boot\]' "$file"; then
        sed -i -E '0,/^\s*\[boot\]/s//[boot]\nsystemd=true/' "$file"
    else
        [[ -s "$file" ]] && echo >>"$file"
        printf '[boot]\nsystemd=true\n' >>"$file"
    fi
}

case "${1:-}" in
    address) address ;;
    start) start "${2:-240}" ;;
    keepalive) keepalive ;;
    keepalive-check) keepalive_check ;;
    wsl-conf) wsl_conf "${2:-/etc/wsl.conf}" ;;
    *) sed -n '5,10p' "$0" >&2; exit 2 ;;
esac
