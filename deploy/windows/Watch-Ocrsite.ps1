<#
.SYNOPSIS
Watchdog: polls ocrsite's /healthz and repairs what stops answering, step by step.

After FailuresBeforeAction failed polls in a row it first re-points the port forward (WSL's
address changes when WSL restarts), then escalates while the service stays down:
  1. restart the services (systemctl restart ocrsite.target),
  2. terminate the distribution and start it again,
  3. shut the whole WSL VM down and start it again (repeated while it keeps failing).
A successful poll resets the steps. It also keeps the distribution's keep-alive process running.
Runs forever; Install-OcrsiteTasks.ps1 registers it to start at boot. Log:
%ProgramData%\ocrsite\ocrsite.log.
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
# A task passes the list as one comma-separated argument.
$RemoteAddress = @($RemoteAddress -split ',' | Where-Object { $_ })

$url = "http://127.0.0.1:$Port/healthz"
$failures = 0
$step = 0
Write-OcrsiteLog "watchdog started: $url every $IntervalSeconds s"
while ($true) {
    try {
        Confirm-OcrsiteKeepAlive -Distro $Distro
        if (Test-OcrsiteHealth -Url $url) {
            if ($step -gt 0) { Write-OcrsiteLog 'ocrsite answers again' }
            $failures = 0
            $step = 0
        }
        else {
            $failures += 1
            Write-OcrsiteLog "no answer from $url ($failures/$FailuresBeforeAction)"
            if ($failures -ge $FailuresBeforeAction) {
                $failures = 0
                # WSL's address may have changed; when WSL itself is down this fails, and the
                # restarts below are what is needed.
                $moved = $false
                try {
                    $moved = Update-OcrsitePortProxy -Distro $Distro -Port $Port `
                        -ListenAddress $ListenAddress -RemoteAddress $RemoteAddress
                }
                catch {
                    Write-OcrsiteLog "port forward not updated: $($_.Exception.Message)"
                }
                if (-not ($moved -and (Wait-OcrsiteHealth -Url $url -TimeoutSeconds 30))) {
                    $step = [Math]::Min($step + 1, 3)
                    switch ($step) {
                        1 {
                            Write-OcrsiteLog 'restarting the ocrsite services'
                            Restart-OcrsiteServices -Distro $Distro
                        }
                        2 {
                            Write-OcrsiteLog "restarting the distribution $Distro"
                            Restart-OcrsiteWsl -Distro $Distro -Port $Port -ListenAddress $ListenAddress
                        }
                        3 {
                            Write-OcrsiteLog 'shutting WSL down and starting it again'
                            Restart-OcrsiteWsl -Distro $Distro -Port $Port -ListenAddress $ListenAddress -Shutdown
                        }
                    }
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
