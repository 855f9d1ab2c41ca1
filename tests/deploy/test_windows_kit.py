"""The WSL2 kit's logic, run here for real where it can be.

The Linux half (deploy/wsl/ocrsite-wsl.sh, wsl.conf, install-systemd.sh) runs under bash with
sample inputs. The Windows half's decisions are small PowerShell functions written in a subset
of the language (if, return, comparisons, -and/-or/-not, +, -f, literals); pwsh is not packaged
by the registries these machines reach, so `_PowerShell` below evaluates that subset over
tree-sitter's parse of the real Ocrsite.psm1, and refuses anything outside it. What needs
Windows itself (netsh, Task Scheduler, icacls) is checked for its wiring only.
"""

import configparser
import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

from tests.deploy.instance import REPO

DEPLOY = REPO / "deploy"
WINDOWS = DEPLOY / "windows"
HELPER = DEPLOY / "wsl" / "ocrsite-wsl.sh"


def _parse(path: Path) -> tree_sitter.Node:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    return parser.parse(path.read_bytes()).root_node


def _walk(node: tree_sitter.Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _text(node: tree_sitter.Node) -> str:
    return node.text.decode()


class _Return(Exception):
    pass


class _PowerShell:
    """Calls the functions of a PowerShell file that use only the subset the module's decisions
    are written in. Anything else raises NotImplementedError, so a decision rewritten beyond it
    fails here instead of going untested."""

    def __init__(self, path: Path):
        self.functions = {
            _text(node.child_by_field_name("name") or node.children[1]).lower(): node
            for node in _walk(_parse(path))
            if node.type == "function_statement"
        }

    def call(self, name: str, **arguments):
        function = self.functions[name.lower()]
        body = next(c for c in function.children if c.type == "script_block")
        scope = {"true": True, "false": False, "null": None}
        given = {key.lower(): value for key, value in arguments.items()}
        for parameter in (n for n in _walk(body) if n.type == "script_parameter"):
            variable = next(c for c in parameter.children if c.type == "variable")
            key = _text(variable)[1:].lower()
            default = next((c for c in parameter.children if c.type.endswith("_default")), None)
            if key in given:
                scope[key] = given.pop(key)
            else:
                scope[key] = self._value(default.children[-1], scope) if default else None
        assert not given, f"{name} has no parameter {sorted(given)}"
        output: list = []
        block = next(c for c in body.children if c.type == "script_block_body")
        with contextlib.suppress(_Return):  # `return` ends the function, its value emitted
            self._statements(block.children[0], scope, output)
        return output[0] if len(output) == 1 else output

    def _statements(self, statements, scope, output):
        for statement in statements.named_children:
            if statement.type == "if_statement":
                self._if(statement, scope, output)
            elif statement.type == "flow_control_statement" and _text(statement.children[0]) == (
                "return"
            ):
                if len(statement.children) > 1:
                    self._emit(self._value(statement.children[1], scope), output)
                raise _Return
            elif statement.type == "pipeline":
                self._emit(self._value(statement, scope), output)
            else:
                raise NotImplementedError(statement.type)

    def _if(self, node, scope, output):
        branches = []  # (condition or None, block)
        condition = None
        for child in node.children:
            if child.type == "pipeline":
                condition = child
            elif child.type == "statement_block":
                branches.append((condition, child))
            elif child.type in ("elseif_clauses", "elseif_clause", "else_clause"):
                for part in [child, *_walk(child)]:
                    kids = part.children
                    if part.type == "elseif_clause":
                        branches.append((kids[2], kids[4]))
                    elif part.type == "else_clause":
                        branches.append((None, kids[1]))
        for condition, block in branches:
            if condition is None or self._value(condition, scope):
                inner = next((c for c in block.children if c.type == "statement_list"), None)
                if inner is not None:
                    self._statements(inner, scope, output)
                return

    @staticmethod
    def _emit(value, output):
        output.extend(value if isinstance(value, list) else [value])

    def _value(self, node, scope):
        while node.child_count == 1 and node.type not in ("variable", "string_literal"):
            node = node.children[0]
        kind, kids = node.type, node.children
        if kind == "variable":
            return scope[_text(node)[1:].lower()]
        if kind == "string_literal" or kind.endswith("string_characters"):
            text = _text(node)
            if text.startswith('"') and "$" in text:
                raise NotImplementedError("expandable string")
            return text[1:-1]
        if kind == "decimal_integer_literal":
            return int(_text(node))
        if kind == "parenthesized_expression":
            return self._value(kids[1], scope)
        if kind == "array_literal_expression":
            return [self._value(k, scope) for k in kids if k.type != ","]
        if kind == "expression_with_unary_operator" and _text(kids[0]) in ("-not", "!"):
            return not self._value(kids[1], scope)
        if len(kids) == 3:
            left, operator = self._value(kids[0], scope), _text(kids[1]).lower()
            right = self._value(kids[2], scope)
            return self._binary(operator, left, right)
        raise NotImplementedError(f"{kind}: {_text(node)[:40]}")

    @staticmethod
    def _binary(operator, left, right):
        if operator == "-f":
            values = right if isinstance(right, list) else [right]
            return re.sub(r"\{(\d+)\}", lambda m: str(values[int(m.group(1))]), left)
        if operator == "-contains":
            return right in (left or [])
        simple = {
            "-and": lambda: bool(left) and bool(right),
            "-or": lambda: bool(left) or bool(right),
            "-eq": lambda: left == right,
            "-ne": lambda: left != right,
            "-lt": lambda: left < right,
            "-le": lambda: left <= right,
            "-gt": lambda: left > right,
            "-ge": lambda: left >= right,
            "+": lambda: left + right,
            "-": lambda: left - right,
        }
        if operator not in simple:
            raise NotImplementedError(operator)
        return simple[operator]()


@pytest.fixture(scope="module")
def module() -> _PowerShell:
    return _PowerShell(WINDOWS / "Ocrsite.psm1")


# -- the watchdog -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seen", "action"),
    [
        ({"Maintenance": True, "Healthy": False, "Failures": 9}, "pause"),
        ({"Maintenance": True, "KeepAliveRestarted": True}, "pause"),
        ({"Healthy": True, "Failures": 2}, "reset"),
        ({"KeepAliveRestarted": True, "Failures": 1}, "start"),
        ({"Failures": 1}, "wait"),
        ({"Failures": 2}, "wait"),
        ({"Failures": 3}, "repair"),
        ({"Failures": 1, "FailuresBeforeAction": 1}, "repair"),
    ],
)
def test_watchdog_pauses_for_maintenance_starts_a_stopped_distribution_and_repairs_after_failures(
    module, seen, action
):
    assert module.call("Get-OcrsiteWatchdogAction", **seen) == action


def test_watchdog_escalates_one_step_at_a_time_and_repeats_the_last(module):
    steps, step = [], 0
    for _ in range(5):
        step = module.call("Get-OcrsiteRepairStep", Step=step)
        steps.append(step)
    assert steps == [1, 2, 3, 3, 3]


def _switch_labels(script: Path, subject: str) -> set[str]:
    for node in _walk(_parse(script)):
        if node.type == "switch_statement" and subject in _text(node).split("{", 1)[0]:
            body = next(c for c in node.children if c.type == "switch_body")
            clauses = [c for c in _walk(body) if c.type == "switch_clause"]
            return {_text(c.children[0]).strip("'") for c in clauses}
    raise AssertionError(f"no switch on {subject} in {script.name}")


def test_watchdog_handles_every_action_and_every_repair_step():
    source = (WINDOWS / "Ocrsite.psm1").read_text()
    decision = source.split("function Get-OcrsiteWatchdogAction", 1)[1].split("\nfunction ")[0]
    actions = set(re.findall(r"return '(\w+)'", decision)) | set(
        re.findall(r"^    '(\w+)'$", decision, re.M)
    )
    assert actions == {"pause", "reset", "start", "wait", "repair"}
    handled = _switch_labels(WINDOWS / "Watch-Ocrsite.ps1", "$action")
    assert handled | {"pause"} == actions
    assert _switch_labels(WINDOWS / "Ocrsite.psm1", "$Step") == {"1", "2", "3"}


def test_maintenance_switch_sets_the_flag_the_watchdog_reads():
    install = (WINDOWS / "Install-OcrsiteTasks.ps1").read_text()
    assert "[ValidateSet('on', 'off')][string]$Maintenance" in install
    assert "Set-OcrsiteMaintenance -State $Maintenance" in install
    watch = (WINDOWS / "Watch-Ocrsite.ps1").read_text()
    assert "$maintenance = Test-OcrsiteMaintenance" in watch
    assert "-Maintenance $maintenance" in watch


# -- LAN access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("categories", "profiles"),
    [
        (["Public"], ["Domain", "Private", "Public"]),
        (["DomainAuthenticated", "Public"], ["Domain", "Private", "Public"]),
        (["DomainAuthenticated"], ["Domain", "Private"]),
        (["Private"], ["Domain", "Private"]),
        ([], ["Domain", "Private"]),
    ],
)
def test_firewall_rule_covers_the_public_profile_when_a_network_is_public(
    module, categories, profiles
):
    assert module.call("Get-OcrsiteFirewallProfile", Category=categories) == profiles


def test_firewall_rule_uses_the_profiles_in_use_and_the_remote_addresses(module):
    source = (WINDOWS / "Ocrsite.psm1").read_text()
    rule = source.split("function Set-OcrsiteFirewallRule", 1)[1].split("\nfunction ")[0]
    assert "Get-OcrsiteFirewallProfile -Category $categories" in rule
    assert (
        rule.count("-Profile $profiles") == 2 and rule.count("-RemoteAddress $RemoteAddress") == 2
    )


@pytest.mark.parametrize(
    ("listen", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:8000/healthz"),
        ("10.1.2.3", "http://10.1.2.3:8000/healthz"),
    ],
)
def test_health_url_follows_the_listen_address(module, listen, url):
    assert module.call("Get-OcrsiteHealthUrl", ListenAddress=listen, Port=8000) == url


def test_every_script_polls_the_health_url_of_its_listen_address():
    for name in ("Start-Ocrsite.ps1", "Watch-Ocrsite.ps1", "Install-OcrsiteTasks.ps1"):
        script = (WINDOWS / name).read_text()
        assert "Get-OcrsiteHealthUrl -ListenAddress $ListenAddress -Port $Port" in script, name
        assert "127.0.0.1" not in script, name


@pytest.mark.parametrize("statement", ["Get-Date", '"at $A"', "$A = 2", "foreach ($x in 1) { }"])
def test_the_evaluator_refuses_what_it_does_not_know(tmp_path: Path, statement: str):
    script = tmp_path / "x.ps1"
    script.write_text(f"function F {{\n    param([int]$A)\n    {statement}\n    $A\n}}\n")
    with pytest.raises(NotImplementedError):
        _PowerShell(script).call("F", A=1)


# -- the tasks and their files --------------------------------------------------------------


def test_wsl_is_run_from_program_files_where_the_store_build_is():
    source = (WINDOWS / "Ocrsite.psm1").read_text()
    exe = source.split("function Get-OcrsiteWslExe", 1)[1].split("\nfunction ")[0]
    assert exe.index("'WSL\\wsl.exe'") < exe.index("'System32\\wsl.exe'")
    assert "$startInfo.FileName = Get-OcrsiteWslExe" in source
    assert "Start-Process -FilePath (Get-OcrsiteWslExe)" in source
    assert "'wsl.exe'" not in source.replace("Name = 'wsl.exe'", "")


def test_installer_refuses_a_unc_source_and_stops_the_old_install_before_registering():
    install = (WINDOWS / "Install-OcrsiteTasks.ps1").read_text()
    main = install.split("\nif ($Maintenance) {", 1)[1]
    order = [
        "if ($PSScriptRoot -like '\\\\*')",
        "Protect-OcrsiteHome\n",
        "Assert-OcrsiteWsl\n",
        "$previous = Stop-OcrsiteInstall",
        "Register-OcrsiteTasks\n",
        "Start-ScheduledTask",
    ]
    positions = [main.index(step) for step in order]
    assert positions == sorted(positions)
    stop = install.split("function Stop-OcrsiteInstall", 1)[1].split("\nfunction ")[0]
    for needed in ("Stop-ScheduledTask", "Remove-OcrsitePortProxy", "Stop-OcrsiteKeepAlive"):
        assert needed in stop


def test_uninstall_stops_the_keep_alive_and_the_tasks():
    install = (WINDOWS / "Install-OcrsiteTasks.ps1").read_text()
    uninstall = install.split("if ($Uninstall) {", 1)[1].split("\n}\n", 1)[0]
    for needed in ("Stop-OcrsiteInstall", "Unregister-ScheduledTask", "Stop-OcrsiteKeepAlive"):
        assert needed in uninstall


def test_a_restart_replaces_the_keep_alive_and_a_stale_one_is_not_trusted():
    source = (WINDOWS / "Ocrsite.psm1").read_text()
    restart = source.split("function Restart-OcrsiteWsl", 1)[1].split("\nfunction ")[0]
    assert restart.index("Stop-OcrsiteKeepAlive") < restart.index("Invoke-Wsl")
    confirm = source.split("function Confirm-OcrsiteKeepAlive", 1)[1].split("\nfunction ")[0]
    assert "'keepalive-check'" in confirm and "Stop-OcrsiteKeepAlive" in confirm


def test_each_script_writes_a_log_of_its_own():
    names = []
    for script in WINDOWS.glob("*.ps1"):
        found = re.findall(r"^Set-OcrsiteLogName '(\w+)'$", script.read_text(), re.M)
        assert len(found) == 1, script.name
        names += found
    assert len(names) == len(set(names))
    log = (WINDOWS / "Ocrsite.psm1").read_text()
    assert "[System.IO.File]::Open($log, 'Append', 'Write', 'ReadWrite')" in log


def test_start_script_logs_any_failure():
    start = (WINDOWS / "Start-Ocrsite.ps1").read_text()
    body = start.split("\ntry {", 1)[1]
    assert "Start-OcrsiteServices" in body.split("\ncatch {")[0]
    assert "Write-OcrsiteLog" in body.split("\ncatch {")[1]


def test_example_wslconfig_keeps_the_vm_and_the_distribution_up():
    config = configparser.ConfigParser()
    config.optionxform = str
    config.read(WINDOWS / "example.wslconfig")
    assert config["wsl2"]["vmIdleTimeout"] == "-1"
    assert config["general"]["instanceIdleTimeout"] == "-1"
    assert config["wsl2"]["localhostForwarding"] == "false"
    assert config["wsl2"]["networkingMode"] == "nat"


# -- the Linux half, for real -------------------------------------------------------------


def _helper(*args: str, path: Path | None = None, env: dict | None = None, **kwargs):
    environment = {**os.environ, **(env or {})}
    if path is not None:
        environment["PATH"] = f"{path}:{environment['PATH']}"
    return subprocess.run(
        ["bash", str(HELPER), *args], capture_output=True, text=True, env=environment, **kwargs
    )


def _fake(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
    (bin_dir / name).chmod(0o755)


IP_DOCKER_FIRST = """\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever
4: br-5f2a    inet 172.18.0.1/16 brd 172.18.255.255 scope global br-5f2a\\       valid_lft forever
2: eth0    inet 172.29.144.7/20 brd 172.29.159.255 scope global eth0\\       valid_lft forever
"""
IP_NO_ETH0 = """\
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever
5: virbr0    inet 192.168.122.1/24 scope global virbr0\\       valid_lft forever
6: eth1    inet 169.254.10.2/16 scope global eth1\\       valid_lft forever
7: ens5    inet 10.0.0.12/24 scope global ens5\\       valid_lft forever
"""
IP_ONLY_BRIDGES = """\
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever
"""


@pytest.mark.parametrize(
    ("listing", "address"),
    [(IP_DOCKER_FIRST, "172.29.144.7"), (IP_NO_ETH0, "10.0.0.12")],
    ids=["docker0-listed-first", "no-eth0"],
)
def test_address_is_eths_not_a_bridges(tmp_path: Path, listing: str, address: str):
    (tmp_path / "listing").write_text(listing)
    _fake(tmp_path / "bin", "ip", f'cat "{tmp_path / "listing"}"')
    done = _helper("address", path=tmp_path / "bin")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{address}\n"


def test_address_fails_loudly_when_only_bridges_have_one(tmp_path: Path):
    (tmp_path / "listing").write_text(IP_ONLY_BRIDGES)
    _fake(tmp_path / "bin", "ip", f'cat "{tmp_path / "listing"}"')
    done = _helper("address", path=tmp_path / "bin")
    assert done.returncode != 0 and done.stdout == ""
    assert "no usable IPv4 address" in done.stderr


def test_address_on_this_machine_is_one_of_its_own():
    if not shutil.which("ip"):
        pytest.skip("no ip command")
    done = _helper("address")
    own = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    assert done.returncode == 0 and done.stdout.strip() in own


def test_start_starts_the_services_even_when_boot_hangs(tmp_path: Path):
    calls = tmp_path / "calls"
    _fake(
        tmp_path / "bin",
        "systemctl",
        f'echo "$*" >>"{calls}"\n'
        'if [[ "$1" == is-system-running ]]; then sleep 30; fi\n'
        'if [[ "$1" == is-active ]]; then echo active; fi',
    )
    started = time.monotonic()
    done = _helper("start", "1", path=tmp_path / "bin")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 10
    assert calls.read_text().splitlines() == [
        "is-system-running --wait",
        "start ocrsite.target",
        "is-active ocrsite.target",
    ]
    assert "no answer within 1 s" in done.stdout and "ocrsite.target: active" in done.stdout


def test_start_fails_when_the_target_does_not_start(tmp_path: Path):
    _fake(
        tmp_path / "bin",
        "systemctl",
        'case "$1" in is-system-running) echo degraded; exit 1;; start) exit 1;; esac',
    )
    done = _helper("start", "5", path=tmp_path / "bin")
    assert done.returncode != 0
    assert "systemd: degraded" in done.stdout


def test_keepalive_check_follows_the_keepalive_process(tmp_path: Path):
    env = {"OCRSITE_RUN_DIR": str(tmp_path / "run")}
    assert _helper("keepalive-check", env=env).returncode == 1
    keepalive = subprocess.Popen(
        ["bash", str(HELPER), "keepalive"], env={**os.environ, **env}, start_new_session=True
    )
    try:
        pid_file = tmp_path / "run" / "keepalive.pid"
        for _ in range(50):
            if pid_file.exists() and pid_file.read_text().strip():
                break
            time.sleep(0.1)
        assert pid_file.read_text().strip() == str(keepalive.pid)
        for _ in range(50):
            if _helper("keepalive-check", env=env).returncode == 0:
                break
            time.sleep(0.1)
        assert _helper("keepalive-check", env=env).returncode == 0
    finally:
        os.killpg(keepalive.pid, signal.SIGTERM)
        keepalive.wait()
    assert _helper("keepalive-check", env=env).returncode == 1


def test_keepalive_check_distrusts_a_pid_file_naming_another_process(tmp_path: Path):
    """A pid left by an earlier boot of the distribution may name some other process now."""
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "keepalive.pid").write_text(f"{os.getpid()}\n")
    done = _helper("keepalive-check", env={"OCRSITE_RUN_DIR": str(tmp_path / "run")})
    assert done.returncode == 1


def _wsl_conf(path: Path) -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read_string(path.read_text())
    return config


@pytest.mark.parametrize(
    "before",
    [
        None,
        "",
        "[user]\ndefault=alice\n",
        "[boot]\ncommand=service ssh start\n[network]\nhostname=ocr\n",
        "[boot]\nsystemd=false\n",
        "[automount]\nenabled=true\n[boot]\n  systemd = false\n",
    ],
    ids=["missing", "empty", "other-section", "boot-without-systemd", "systemd-false", "spaced"],
)
def test_wsl_conf_gets_systemd_and_keeps_the_rest(tmp_path: Path, before: str | None):
    conf = tmp_path / "wsl.conf"
    if before is not None:
        conf.write_text(before)
    for _ in range(2):  # idempotent: a second run changes nothing
        done = _helper("wsl-conf", str(conf))
        assert done.returncode == 0, done.stderr
        after = conf.read_text()
    assert _helper("wsl-conf", str(conf)).returncode == 0 and conf.read_text() == after
    config = _wsl_conf(conf)  # also: no duplicate key or section (configparser refuses them)
    assert config["boot"]["systemd"] == "true"
    if before:
        kept = configparser.ConfigParser()
        kept.read_string(before)
        for section in kept.sections():
            for key, value in kept[section].items():
                if key != "systemd":
                    assert config[section][key] == value


def test_shipped_wsl_conf_enables_systemd():
    assert _wsl_conf(DEPLOY / "wsl" / "wsl.conf")["boot"]["systemd"] == "true"


def _dry_run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DEPLOY / "install-systemd.sh"), "--root", str(root), *args],
        capture_output=True,
        text=True,
    )


def test_installer_dry_run_writes_everything_under_the_root_and_changes_nothing_else(
    tmp_path: Path,
):
    done = _dry_run(tmp_path)
    assert done.returncode == 0, done.stderr
    etc = tmp_path / "etc"
    helper = tmp_path / "usr/local/sbin/ocrsite-wsl"
    assert helper.read_bytes() == HELPER.read_bytes() and os.access(helper, os.X_OK)
    assert _wsl_conf(etc / "wsl.conf")["boot"]["systemd"] == "true"
    env_file = etc / "ocrsite/ocrsite.env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o640"
    assert "OCRSITE_DATA_DIR=/var/lib/ocrsite" in env_file.read_text()
    assert oct((tmp_path / "var/lib/ocrsite").stat().st_mode & 0o777) == "0o700"
    assert (etc / "systemd/journald.conf.d/ocrsite.conf").exists()
    services = ("ocrsite-web.service", "ocrsite-worker.service", "ocrsite-integrations.service")
    for unit in ("ocrsite.target", *services):
        assert "@" not in (etc / "systemd/system" / unit).read_text().replace("@system-service", "")
    plan = done.stdout
    assert f"would run: systemctl enable {' '.join(services)} ocrsite.target" in plan
    assert "would run: systemctl restart ocrsite.target" in plan
    assert "would run: env OCRSITE_SERVICE_USER=ocrsite" in plan
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.iterdir()}
    assert written == {"etc", "usr", "var"}


def test_installer_dry_run_for_a_worker_only_host_enables_the_worker_alone(tmp_path: Path):
    done = _dry_run(tmp_path, "--worker-only")
    assert done.returncode == 0, done.stderr
    assert "would run: systemctl enable ocrsite-worker.service ocrsite.target" in done.stdout


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_installer_dry_run_units_pass_systemd_analyze_in_the_root(tmp_path: Path):
    assert _dry_run(tmp_path).returncode == 0
    done = subprocess.run(
        ["systemd-analyze", "verify", f"--root={tmp_path}", "ocrsite.target"],
        capture_output=True,
        text=True,
    )
    complaints = [line for line in done.stderr.splitlines() if "ocrsite" in line]
    assert done.returncode == 0 and complaints == [], done.stderr
