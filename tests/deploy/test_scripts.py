"""The deploy scripts and units are at least well-formed: shell scripts pass `bash -n`, the
PowerShell scripts parse, and the systemd units pass `systemd-analyze verify`.

PowerShell itself (pwsh) is not packaged by Debian, PyPI or npm (npm's `pwsh` downloads it from
elsewhere at install time), so the scripts are parsed with tree-sitter's PowerShell grammar, a
full parser of the language shipped as a PyPI wheel: a script with an unclosed block, a broken
string or a stray token fails here. It does not know cmdlets, so the module's exports are also
checked against the commands the scripts call.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

from tests.deploy.instance import REPO

DEPLOY = REPO / "deploy"
WINDOWS = DEPLOY / "windows"
SHELL_SCRIPTS = sorted(DEPLOY.rglob("*.sh"))
POWERSHELL_SCRIPTS = sorted([*WINDOWS.glob("*.ps1"), *WINDOWS.glob("*.psm1")])
SERVICES = ("ocrsite-web.service", "ocrsite-worker.service", "ocrsite-integrations.service")
UNITS = ("ocrsite.target", *SERVICES)


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_script_passes_bash_n(script: Path):
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _nodes(source: bytes) -> list[tree_sitter.Node]:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    found, stack = [], [parser.parse(source).root_node]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _syntax_errors(source: bytes) -> list[str]:
    return [
        f"line {node.start_point[0] + 1}, column {node.start_point[1] + 1}: {node.text[:60]!r}"
        for node in _nodes(source)
        if node.is_error or node.is_missing
    ]


@pytest.mark.parametrize("script", POWERSHELL_SCRIPTS, ids=lambda p: p.name)
def test_powershell_script_parses(script: Path):
    assert _syntax_errors(script.read_bytes()) == []


@pytest.mark.parametrize(
    "broken",
    [
        "function F { if ($x) { Write-Host 'a' }",
        '$message = "not closed',
        "$table = @{ a = 1; b = (2 + }",
    ],
)
def test_powershell_check_finds_syntax_errors(broken: str):
    assert _syntax_errors(broken.encode())


def test_scripts_call_only_what_the_module_exports():
    module = (WINDOWS / "Ocrsite.psm1").read_text()
    defined = set(re.findall(r"^function ([\w-]+)", module, re.MULTILINE))
    exported = set(re.findall(r"'([\w-]+)'", module.split("Export-ModuleMember", 1)[1]))
    assert exported == defined
    for script in WINDOWS.glob("*.ps1"):
        nodes = _nodes(script.read_bytes())
        commands = {n.text.decode() for n in nodes if n.type == "command_name"}
        own = {n.text.decode() for n in nodes if n.type == "function_name"}
        called = {name for name in commands if "-Ocrsite" in name}
        assert called <= defined | own, f"{script.name} calls {called - defined - own}"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path):
    subprocess.run([str(DEPLOY / "install-systemd.sh"), "--render-to", str(tmp_path)], check=True)
    units = [str(tmp_path / unit) for unit in UNITS]
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True)
    # Unknown keys and bad values are only warnings (exit code 0): any line about our units fails.
    complaints = [line for line in done.stderr.splitlines() if "ocrsite" in line]
    assert done.returncode == 0 and complaints == [], done.stderr
    assert "@APP_DIR@" not in (tmp_path / "ocrsite-web.service").read_text()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
@pytest.mark.parametrize("service", SERVICES)
def test_services_run_sandboxed_as_an_account_of_their_own(tmp_path: Path, service: str):
    """systemd's own rating of the units with their sandbox drop-in, as installed: 9.6
    ("UNSAFE") before the sandbox; at most 2.0 ("OK") now."""
    units = tmp_path / "etc" / "systemd" / "system"
    subprocess.run([str(DEPLOY / "install-systemd.sh"), "--render-to", str(units)], check=True)
    unit = (units / service).read_text()
    assert "User=ocrsite" in unit
    sandbox = (units / f"{service}.d" / "sandbox.conf").read_text()
    assert "ReadWritePaths=/var/lib/ocrsite" in sandbox and "UMask=0077" in sandbox
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", f"--root={tmp_path}", service],
        capture_output=True,
        text=True,
    )
    exposure = re.search(r"Overall exposure level for \S+: ([\d.]+)", done.stdout + done.stderr)
    assert exposure, done.stdout + done.stderr
    assert float(exposure.group(1)) <= 2.0, done.stdout


def test_the_integrations_service_may_write_the_folders_the_env_file_lists(tmp_path: Path):
    env_file = tmp_path / "etc" / "ocrsite" / "ocrsite.env"
    env_file.parent.mkdir(parents=True)
    env_file.write_text("OCRSITE_FOLDERS=/mnt/c/Scans:/mnt/c/Scans out\n")
    units = tmp_path / "units"
    subprocess.run(
        [str(DEPLOY / "install-systemd.sh"), "--root", str(tmp_path), "--render-to", str(units)],
        check=True,
    )
    folders = (units / "ocrsite-integrations.service.d" / "folders.conf").read_text()
    lines = folders.splitlines()
    assert 'ReadWritePaths="-/mnt/c/Scans"' in lines
    assert 'ReadWritePaths="-/mnt/c/Scans out"' in lines
    assert not (units / "ocrsite-web.service.d" / "folders.conf").exists()


def test_manage_sh_reads_the_env_file_as_systemd_does(tmp_path: Path):
    """Values are taken literally: a `$` or a quote in a password stays as it is."""
    env_file = tmp_path / "ocrsite.env"
    env_file.write_text(
        "# a comment\nOCRSITE_SECRET_KEY=a$HOME'b\"c\n"
        'DATABASE_URL="postgres://u:p$w@h/db"\n  OCRSITE_WORKERS=3\n'
    )
    # Everything but the last line (which switches to the service account and runs Django).
    script = (DEPLOY / "manage.sh").read_text().rsplit("\nexec runuser", 1)[0]
    script = script.replace("if [[ $EUID -ne 0 ]]; then", "if false; then")
    probe = script + '\necho "$OCRSITE_SECRET_KEY|$DATABASE_URL|$OCRSITE_WORKERS|$(umask)"\n'
    done = subprocess.run(
        ["bash", "-c", probe, str(DEPLOY / "manage.sh")],
        env={"OCRSITE_ENV_FILE": str(env_file), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "a$HOME'b\"c|postgres://u:p$w@h/db|3|0077"


def test_windows_tasks_run_from_an_administrators_folder_and_the_lan_rule_is_the_subnet():
    install = (WINDOWS / "Install-OcrsiteTasks.ps1").read_text()
    assert "$binDir = Join-Path $ocrsiteHome 'bin'" in install
    assert "$script = Join-Path $binDir $task.Script" in install
    assert "'/inheritance:r', '/grant:r', '*S-1-5-32-544:(OI)(CI)F'" in install
    module = (WINDOWS / "Ocrsite.psm1").read_text()
    rule = module[module.index("New-NetFirewallRule") :].split("| Out-Null", 1)[0]
    assert "-RemoteAddress $RemoteAddress" in rule
    assert "[string[]]$RemoteAddress = @('LocalSubnet')" in module
