<#
.SYNOPSIS
Registers two scheduled tasks that run at boot, without anyone logged on:
  ocrsite-start     Start-Ocrsite.ps1: start WSL, the services, the LAN port forward
  ocrsite-watchdog  Watch-Ocrsite.ps1: poll /healthz, repair and restart (starts 2 min later)
Both run as the Windows account that owns the WSL distribution (WSL distributions belong to
one user; SYSTEM cannot see them), with highest privileges (netsh and the firewall need them).
Its password is asked once and kept by Task Scheduler. -Uninstall removes the tasks, the port
forward and the firewall rule.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [switch]$Uninstall
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force

$taskNames = @('ocrsite-start', 'ocrsite-watchdog')
if ($Uninstall) {
    foreach ($name in $taskNames) {
        Stop-ScheduledTask -TaskName $name -ErrorAction SilentlyContinue
        Unregister-ScheduledTask -TaskName $name -Confirm:$false -ErrorAction SilentlyContinue
    }
    Remove-OcrsitePortProxy -Port $Port -ListenAddress $ListenAddress
    Write-OcrsiteLog 'removed the ocrsite tasks, port forward and firewall rule'
    return
}

$known = (Invoke-Wsl -Arguments @('--list', '--quiet')).Output -split '\r?\n' |
    ForEach-Object { $_.Trim() }
if ($known -notcontains $Distro) {
    throw "No WSL distribution named '$Distro' for this account (have: $($known -join ', '))."
}

$credential = Get-Credential -UserName "$env:USERDOMAIN\$env:USERNAME" `
    -Message 'The account that owns the WSL distribution: the tasks run as it at boot'
$password = $credential.GetNetworkCredential().Password
$powershell = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'
$common = "-Distro `"$Distro`" -Port $Port -ListenAddress $ListenAddress"
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
    $script = Join-Path $PSScriptRoot $task.Script
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
