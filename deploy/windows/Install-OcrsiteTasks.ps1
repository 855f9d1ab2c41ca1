<#
.SYNOPSIS
Registers two scheduled tasks that run at boot, without anyone logged on:
  ocrsite-start     Start-Ocrsite.ps1: start WSL, the services, the LAN port forward
  ocrsite-watchdog  Watch-Ocrsite.ps1: poll /healthz, repair and restart (starts 2 min later)
Both run as the Windows account that owns the WSL distribution (WSL distributions belong to
one user; SYSTEM cannot see them), with highest privileges (netsh and the firewall need them).
Its password is asked once and kept by Task Scheduler. The scripts are copied to
%ProgramFiles%\ocrsite, a folder only administrators can change, and the tasks run them from
there: tasks running with highest privileges must not run files other accounts may edit (the
WSL share and C:\ocrsite are writable by their owner or by Users). The firewall rule admits the
local subnet only; -RemoteAddress widens it (addresses or ranges, e.g. 10.20.0.0/16).
-Uninstall removes the tasks, the copied scripts, the port forward and the firewall rule.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [string[]]$RemoteAddress = @('LocalSubnet'),
    [switch]$Uninstall
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
$installDir = Join-Path $env:ProgramFiles 'ocrsite'

$taskNames = @('ocrsite-start', 'ocrsite-watchdog')
if ($Uninstall) {
    foreach ($name in $taskNames) {
        Stop-ScheduledTask -TaskName $name -ErrorAction SilentlyContinue
        Unregister-ScheduledTask -TaskName $name -Confirm:$false -ErrorAction SilentlyContinue
    }
    Remove-OcrsitePortProxy -Port $Port -ListenAddress $ListenAddress
    Remove-Item -LiteralPath $installDir -Recurse -Force -ErrorAction SilentlyContinue
    Write-OcrsiteLog 'removed the ocrsite tasks, scripts, port forward and firewall rule'
    return
}

# The copy the tasks run: Program Files inherits "administrators and SYSTEM may change, Users
# may read"; the inheritance is set again explicitly in case the folder was made otherwise.
New-Item -ItemType Directory -Path $installDir -Force | Out-Null
Copy-Item -Path (Join-Path $PSScriptRoot '*.ps1'), (Join-Path $PSScriptRoot '*.psm1') `
    -Destination $installDir -Force
icacls $installDir /reset /T /Q | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls could not reset the permissions of $installDir" }

$known = (Invoke-Wsl -Arguments @('--list', '--quiet')).Output -split '\r?\n' |
    ForEach-Object { $_.Trim() }
if ($known -notcontains $Distro) {
    throw "No WSL distribution named '$Distro' for this account (have: $($known -join ', '))."
}

$credential = Get-Credential -UserName "$env:USERDOMAIN\$env:USERNAME" `
    -Message 'The account that owns the WSL distribution: the tasks run as it at boot'
$password = $credential.GetNetworkCredential().Password
$powershell = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'
$common = "-Distro `"$Distro`" -Port $Port -ListenAddress $ListenAddress" +
    " -RemoteAddress $($RemoteAddress -join ',')"
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
    -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit ([TimeSpan]::Zero) `
    -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1)

$watchdogTrigger = New-ScheduledTaskTrigger -AtStartup
$watchdogTrigger.Delay = 'PT2M'
$tasks = @(
    @{ Name = 'ocrsite-start'; Script = 'Start-Ocrsite.ps1'; Trigger = (New-ScheduledTaskTrigger -AtStartup) },
    @{ Name = 'ocrsite-watchdog'; Script = 'Watch-Ocrsite.ps1'; Trigger = $watchdogTrigger }
)
foreach ($task in $tasks) {
    $script = Join-Path $installDir $task.Script
    $action = New-ScheduledTaskAction -Execute $powershell `
        -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -File `"$script`" $common"
    Register-ScheduledTask -TaskName $task.Name -Action $action -Trigger $task.Trigger `
        -Settings $settings -User $credential.UserName `
        -Password $password -RunLevel Highest -Force | Out-Null
    Write-OcrsiteLog "registered the scheduled task $($task.Name)"
}

Start-ScheduledTask -TaskName 'ocrsite-start'
Start-ScheduledTask -TaskName 'ocrsite-watchdog'
Write-OcrsiteLog "started; LAN address: http://$($env:COMPUTERNAME):$Port/ (log: $env:ProgramData\ocrsite\ocrsite.log)"
