<#
.SYNOPSIS
Starts the WSL distribution and the ocrsite services, and forwards the port to the LAN.
Registered by Install-OcrsiteTasks.ps1 to run at boot; safe to run by hand at any time.
Log: %ProgramData%\ocrsite\log\start.log. Exits 1 (the task's "last result") when ocrsite is not
up after 3 minutes or a step failed; the watchdog takes over either way.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [string[]]$RemoteAddress = @('LocalSubnet')
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
Set-OcrsiteLogName 'start'
# A task passes the list as one comma-separated argument.
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })
$url = Get-OcrsiteHealthUrl -ListenAddress $ListenAddress -Port $Port

# A task's errors go nowhere: every failure is written to the log before the script ends.
try {
    Write-OcrsiteLog "starting ocrsite in $Distro"
    Start-OcrsiteServices -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
        -RemoteAddress $RemoteAddress
    if (-not (Wait-OcrsiteHealth -Url $url -TimeoutSeconds 180)) {
        throw "no answer from $url within 180 s"
    }
    Write-OcrsiteLog "ocrsite is up: $url"
}
catch {
    Write-OcrsiteLog "start failed (the watchdog takes over): $($_.Exception.Message)"
    exit 1
}
