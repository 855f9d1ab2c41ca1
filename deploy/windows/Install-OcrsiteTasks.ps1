<#
.SYNOPSIS
Registers two scheduled tasks that run at boot, without anyone logged on:
  ocrsite-start     Start-Ocrsite.ps1: start WSL, the services, the LAN port forward
  ocrsite-watchdog  Watch-Ocrsite.ps1: poll /healthz, repair and restart (starts 2 min later)
Both run as the Windows account that owns the WSL distribution (WSL distributions belong to
one user; SYSTEM cannot see them), with highest privileges (netsh and the firewall need them).
Its password is asked once and kept by Task Scheduler: change it, and run this again.

The scripts are copied to %ProgramData%\ocrsite\bin and the tasks run them from there: the
folder is made writable by administrators and SYSTEM only, since tasks with highest privileges
must not run files other accounts may edit. It refuses to run from a UNC path such as
\\wsl.localhost\...: boot tasks reading their scripts from inside the distribution they have to
start would find nothing there in session 0 before it runs.

The firewall rule admits the local subnet only (-RemoteAddress widens it: addresses or ranges,
e.g. 10.20.0.0/16), on the profiles of the networks Windows is on, Public included when an
adapter is Public (usual on a workgroup server).

Run again with other settings: the old tasks are stopped and the old port forward removed first.
-Maintenance on|off pauses and resumes the watchdog. -Uninstall removes the tasks, the
keep-alive, the copied scripts, the port forward and the firewall rule (the logs stay).
Log: %ProgramData%\ocrsite\log\install.log.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [string[]]$RemoteAddress = @('LocalSubnet'),
    [ValidateSet('on', 'off')][string]$Maintenance,
    [switch]$Uninstall
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
Set-OcrsiteLogName 'install'
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })
$ocrsiteHome = Get-OcrsiteHome
$binDir = Join-Path $ocrsiteHome 'bin'
$settingsFile = Join-Path $ocrsiteHome 'install.json'
$taskNames = @('ocrsite-start', 'ocrsite-watchdog')

function Invoke-Icacls {
    param([Parameter(Mandatory)][string[]]$Arguments)
    $out = icacls @Arguments
    if ($LASTEXITCODE -ne 0) { throw "icacls $($Arguments -join ' ') failed: $out" }
}

function Protect-OcrsiteHome {
    # Administrators own it; administrators and SYSTEM may change it, Users may read it. Set
    # explicitly, not inherited: ProgramData lets every user create files in its subfolders.
    New-Item -ItemType Directory -Force -Path $ocrsiteHome | Out-Null
    Invoke-Icacls @($ocrsiteHome, '/setowner', '*S-1-5-32-544', '/T', '/C', '/Q')
    Invoke-Icacls @($ocrsiteHome, '/reset', '/T', '/C', '/Q')
    Invoke-Icacls @($ocrsiteHome, '/inheritance:r', '/grant:r', '*S-1-5-32-544:(OI)(CI)F',
        '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-545:(OI)(CI)RX', '/C', '/Q')
}

function Stop-OcrsiteInstall {
    # What an earlier install left running: Register-ScheduledTask -Force replaces a task's
    # definition but not its running instance, so an old watchdog would go on with the old port
    # or distribution. Returns the earlier settings.
    $previous = if (Test-Path $settingsFile) { Get-Content -Raw $settingsFile | ConvertFrom-Json }
    foreach ($name in $taskNames) {
        Stop-ScheduledTask -TaskName $name -ErrorAction SilentlyContinue
    }
    if ($previous) {
        Remove-OcrsitePortProxy -Port $previous.Port -ListenAddress $previous.ListenAddress
        Stop-OcrsiteKeepAlive -Distro $previous.Distro
    }
    $previous
}

function Assert-OcrsiteWsl {
    # WSL 2.x (the inbox WSL of Server 2022 knows no --version and no systemd), the distribution
    # for this account, and the helper install-systemd.sh puts into it.
    $version = Invoke-Wsl -Arguments @('--version')
    if ($version.ExitCode -ne 0) {
        throw "WSL 2.x is needed: run 'wsl --update --web-download', then this again."
    }
    $known = (Invoke-Wsl -Arguments @('--list', '--quiet')).Output -split '\r?\n' |
        ForEach-Object { $_.Trim() }
    if ($known -notcontains $Distro) {
        throw "No WSL distribution named '$Distro' for this account (have: $($known -join ', '))."
    }
    $helper = Invoke-Wsl -Arguments @('-d', $Distro, '-u', 'root', '--', 'test', '-x',
        '/usr/local/sbin/ocrsite-wsl')
    if ($helper.ExitCode -ne 0) {
        throw "ocrsite is not installed in ${Distro}: run 'sudo deploy/install-systemd.sh' in it."
    }
}

function Register-OcrsiteTasks {
    $credential = Get-Credential -UserName "$env:USERDOMAIN\$env:USERNAME" `
        -Message 'The account that owns the WSL distribution: the tasks run as it at boot'
    $password = $credential.GetNetworkCredential().Password
    $powershell = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'
    $common = "-Distro `"$Distro`" -Port $Port -ListenAddress $ListenAddress" +
        " -RemoteAddress $($RemoteAddress -join ',')"
    # No time limit (the default stops a task after 3 days), restarted if it ever ends.
    $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries `
        -DontStopIfGoingOnBatteries -StartWhenAvailable -MultipleInstances IgnoreNew `
        -ExecutionTimeLimit ([TimeSpan]::Zero) `
        -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)
    $watchdogTrigger = New-ScheduledTaskTrigger -AtStartup
    $watchdogTrigger.Delay = 'PT2M'
    $tasks = @(
        @{
            Name = 'ocrsite-start'; Script = 'Start-Ocrsite.ps1'
            Trigger = (New-ScheduledTaskTrigger -AtStartup)
        },
        @{ Name = 'ocrsite-watchdog'; Script = 'Watch-Ocrsite.ps1'; Trigger = $watchdogTrigger }
    )
    foreach ($task in $tasks) {
        $script = Join-Path $binDir $task.Script
        $action = New-ScheduledTaskAction -Execute $powershell `
            -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" $common"
        # "Run whether the user is logged on or not", with the stored password: the task's own
        # logon then holds the distribution, not an administrator's RDP session.
        Register-ScheduledTask -TaskName $task.Name -Action $action -Trigger $task.Trigger `
            -Settings $settings -User $credential.UserName `
            -Password $password -RunLevel Highest -Force | Out-Null
        Write-OcrsiteLog "registered the scheduled task $($task.Name) ($script)"
    }
}

if ($Maintenance) {
    Set-OcrsiteMaintenance -State $Maintenance
    return
}

if ($Uninstall) {
    Stop-OcrsiteInstall | Out-Null
    foreach ($name in $taskNames) {
        Unregister-ScheduledTask -TaskName $name -Confirm:$false -ErrorAction SilentlyContinue
    }
    Remove-OcrsitePortProxy -Port $Port -ListenAddress $ListenAddress
    Stop-OcrsiteKeepAlive -Distro $Distro
    Remove-Item -LiteralPath $binDir, $settingsFile, (Join-Path $ocrsiteHome 'maintenance') `
        -Recurse -Force -ErrorAction SilentlyContinue
    Write-OcrsiteLog 'removed the tasks, keep-alive, scripts, port forward and firewall rule'
    return
}

if ($PSScriptRoot -like '\\*') {
    throw "Run this from a local folder, not ${PSScriptRoot}: copy deploy\windows to C:\ocrsite-kit" +
        ' (the boot tasks cannot read scripts from inside the distribution they start).'
}
Protect-OcrsiteHome
Assert-OcrsiteWsl
$previous = Stop-OcrsiteInstall
if ($previous) {
    Write-OcrsiteLog "stopped the earlier install ($($previous | ConvertTo-Json -Compress))"
}

New-Item -ItemType Directory -Force -Path $binDir | Out-Null
if ((Resolve-Path $PSScriptRoot).Path -ne (Resolve-Path $binDir).Path) {
    Copy-Item -Path (Join-Path $PSScriptRoot '*.ps1'), (Join-Path $PSScriptRoot '*.psm1') `
        -Destination $binDir -Force
}
Register-OcrsiteTasks
@{ Distro = $Distro; Port = $Port; ListenAddress = $ListenAddress } | ConvertTo-Json |
    Set-Content -LiteralPath $settingsFile
# The rule now, so the log shows at once which network profiles it covers.
Set-OcrsiteFirewallRule -Port $Port -RemoteAddress $RemoteAddress

foreach ($name in $taskNames) { Start-ScheduledTask -TaskName $name }
$url = Get-OcrsiteHealthUrl -ListenAddress $ListenAddress -Port $Port
if (Wait-OcrsiteHealth -Url $url -TimeoutSeconds 300) {
    Write-OcrsiteLog "ocrsite is up. From another PC: http://$($env:COMPUTERNAME):$Port/"
}
else {
    Write-OcrsiteLog "no answer from $url yet: see $ocrsiteHome\log\start.log"
}
