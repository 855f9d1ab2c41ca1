<#
.SYNOPSIS
Makes ocrsite reachable from the LAN: netsh portproxy from Windows' port to the distribution's
current address (it changes each time WSL starts) and an inbound firewall rule for the profiles
of the networks Windows is on (Public too when an adapter is Public), admitting RemoteAddress
only (the local subnet unless widened). Start-Ocrsite and the watchdog call the same function;
-Remove undoes both. Log: %ProgramData%\ocrsite\log\portproxy.log.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [switch]$Remove,
    [string[]]$RemoteAddress = @('LocalSubnet')
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
Set-OcrsiteLogName 'portproxy'
# A task passes the list as one comma-separated argument.
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })

if ($Remove) {
    Remove-OcrsitePortProxy -Port $Port -ListenAddress $ListenAddress
    Write-OcrsiteLog "removed the port forward and firewall rule for port $Port"
}
elseif (-not (Update-OcrsitePortProxy -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
            -RemoteAddress $RemoteAddress)) {
    Write-OcrsiteLog "port forward ${ListenAddress}:$Port already points at $Distro"
}
