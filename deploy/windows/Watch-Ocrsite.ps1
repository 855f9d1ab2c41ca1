<#
.SYNOPSIS
Watchdog: polls ocrsite's /healthz and repairs what stops answering, step by step.

Each poll it first makes sure the distribution's keep-alive runs; when it had to start a new
one, the distribution had ended (a logoff, a terminate) and the services are started at once.
After FailuresBeforeAction failed polls in a row it re-points the port forward (WSL's address
changes when WSL restarts), then escalates while the service stays down:
  1. restart the services (systemctl restart ocrsite.target),
  2. terminate the distribution and start it again,
  3. shut the whole WSL VM down and start it again (repeated while it keeps failing).
A successful poll resets the steps. `Install-OcrsiteTasks.ps1 -Maintenance on` pauses it
(no checks, no repairs) until `-Maintenance off`.
Runs forever; Install-OcrsiteTasks.ps1 registers it to start at boot.
Log: %ProgramData%\ocrsite\log\watchdog.log.
#>
#Requires -RunAsAdministrator
param(
    [string]$Distro = 'Ubuntu-24.04',
    [int]$Port = 8000,
    [string]$ListenAddress = '0.0.0.0',
    [int]$IntervalSeconds = 30,
    [int]$FailuresBeforeAction = 3,
    [int]$RecoverySeconds = 180,
    [string[]]$RemoteAddress = @('LocalSubnet')
)
Import-Module (Join-Path $PSScriptRoot 'Ocrsite.psm1') -Force
Set-OcrsiteLogName 'watchdog'
# A task passes the list as one comma-separated argument.
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })
$where = @{
    Distro = $Distro; Port = $Port; ListenAddress = $ListenAddress; RemoteAddress = $RemoteAddress
}

$url = Get-OcrsiteHealthUrl -ListenAddress $ListenAddress -Port $Port
$failures = 0
$step = 0
$paused = $false
Write-OcrsiteLog "watchdog started: $url every $IntervalSeconds s"
while ($true) {
    try {
        $maintenance = Test-OcrsiteMaintenance
        $restarted = (-not $maintenance) -and (Confirm-OcrsiteKeepAlive -Distro $Distro)
        $healthy = (-not $maintenance) -and (Test-OcrsiteHealth -Url $url)
        if (-not $healthy -and -not $maintenance) { $failures += 1 }
        $action = Get-OcrsiteWatchdogAction -Maintenance $maintenance -Healthy $healthy `
            -KeepAliveRestarted $restarted -Failures $failures `
            -FailuresBeforeAction $FailuresBeforeAction
        if ($paused -ne ($action -eq 'pause')) {
            $paused = $action -eq 'pause'
            Write-OcrsiteLog ('maintenance {0}' -f $(if ($paused) { 'on: paused' } else { 'off' }))
        }
        switch ($action) {
            'reset' {
                if ($step -gt 0 -or $failures -gt 0) { Write-OcrsiteLog 'ocrsite answers again' }
                $failures = 0
                $step = 0
            }
            'start' {
                Write-OcrsiteLog "$Distro had stopped: starting the services"
                Start-OcrsiteServices @where
                Wait-OcrsiteHealth -Url $url -TimeoutSeconds $RecoverySeconds | Out-Null
            }
            'wait' { Write-OcrsiteLog "no answer from $url ($failures/$FailuresBeforeAction)" }
            'repair' {
                $failures = 0
                # WSL's address may have changed; when WSL itself is down this fails, and the
                # repair steps are what is needed.
                $moved = $false
                try { $moved = Update-OcrsitePortProxy @where }
                catch { Write-OcrsiteLog "port forward not updated: $($_.Exception.Message)" }
                if (-not ($moved -and (Wait-OcrsiteHealth -Url $url -TimeoutSeconds 30))) {
                    $step = Get-OcrsiteRepairStep -Step $step
                    Invoke-OcrsiteRepair -Step $step @where
                    Wait-OcrsiteHealth -Url $url -TimeoutSeconds $RecoverySeconds | Out-Null
                }
            }
        }
    }
    catch {
        # A failed repair (WSL hung, wsl.exe timed out) must not end the watchdog.
        Write-OcrsiteLog "watchdog: $($_.Exception.Message)"
    }
    Start-Sleep -Seconds $IntervalSeconds
}
