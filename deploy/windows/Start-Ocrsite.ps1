<#
.SYNOPSIS
Starts the WSL distribution and the ocrsite services, and forwards the port to the LAN.
Registered by Install-OcrsiteTasks.ps1 to run at boot; safe to run by hand at any time.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [string[]]$RemoteAddress = @('LocalSubnet')
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
# A task passes the list as one comma-separated argument.
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })

Write-OcrsiteLog "starting ocrsite in $Distro"
Start-OcrsiteServices -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
    -RemoteAddress $RemoteAddress
if (Wait-OcrsiteHealth -Url "http://127.0.0.1:$Port/healthz" -TimeoutSeconds 180) {
    Write-OcrsiteLog "ocrsite is up on port $Port"
}
else {
    Write-OcrsiteLog "ocrsite did not answer on port $Port within 180 s (the watchdog takes over)"
    exit 1
}
