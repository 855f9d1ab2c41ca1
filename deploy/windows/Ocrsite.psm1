# Functions shared by the ocrsite Windows scripts (Start-Ocrsite, Set-OcrsitePortProxy,
# Watch-Ocrsite, Install-OcrsiteTasks). Windows PowerShell 5.1 (built into Windows Server 2022)
# and PowerShell 7 both run them.
#
# The decisions (which firewall profiles, which health URL, what the watchdog does next) are
# small functions of their arguments only, written in the subset of PowerShell that
# tests/deploy/test_windows_kit.py evaluates on Linux: if, return, comparisons, -f, literals.
# What the distribution is asked is decided by /usr/local/sbin/ocrsite-wsl (deploy/wsl/).

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# wsl.exe writes its own messages in UTF-16 unless told otherwise.
$env:WSL_UTF8 = '1'

# Everything of ocrsite's on Windows: bin\ (the scripts the tasks run), log\, install.json and
# the maintenance flag. Install-OcrsiteTasks.ps1 lets only administrators and SYSTEM write it.
$script:OcrsiteHome = Join-Path $env:ProgramData 'ocrsite'
$script:LogName = 'ocrsite'
$script:LogMaxBytes = 5MB
$script:FirewallRuleName = 'ocrsite-http'
$script:Helper = '/usr/local/sbin/ocrsite-wsl'
$script:KeepAliveArguments = "-u root --exec $script:Helper keepalive"

function Get-OcrsiteHome { $script:OcrsiteHome }

function Set-OcrsiteLogName {
    # One log per script (start.log, watchdog.log, ...): the start task and the watchdog run at
    # the same time, and two writers appending to one file fail with "file in use".
    param([Parameter(Mandatory)][string]$Name)
    $script:LogName = $Name
}

function Write-OcrsiteLog {
    param([Parameter(Mandatory)][string]$Message)
    $dir = Join-Path $script:OcrsiteHome 'log'
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    $log = Join-Path $dir "$script:LogName.log"
    # One old file is kept: the log of an unattended machine must not fill its disk.
    if ((Test-Path $log) -and ((Get-Item $log).Length -gt $script:LogMaxBytes)) {
        Move-Item -Force -Path $log -Destination "$log.1"
    }
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message
    Write-Host $line
    # Shared for reading and writing, so an administrator's `Get-Content -Wait` or editor does
    # not block it; a short retry covers a virus scanner holding the file for a moment. A log
    # line is never worth stopping the watchdog for.
    $bytes = [System.Text.Encoding]::UTF8.GetBytes("$line`r`n")
    foreach ($attempt in 1..5) {
        try {
            $stream = [System.IO.File]::Open($log, 'Append', 'Write', 'ReadWrite')
            try { $stream.Write($bytes, 0, $bytes.Length) } finally { $stream.Dispose() }
            return
        }
        catch [System.IO.IOException] {
            Start-Sleep -Milliseconds (100 * $attempt)
        }
    }
}

function Get-OcrsiteWslExe {
    # The Store/MSI build of WSL (2.x, the one with systemd) lives in Program Files; System32's
    # wsl.exe is a stub that is reported not to reach it from session-0 tasks.
    $store = Join-Path $env:ProgramFiles 'WSL\wsl.exe'
    if (Test-Path -LiteralPath $store) { return $store }
    Join-Path $env:SystemRoot 'System32\wsl.exe'
}

function Invoke-Wsl {
    # Runs wsl.exe with a time limit: a hung WSL is exactly what the watchdog has to survive.
    param(
        [Parameter(Mandatory)][string[]]$Arguments,
        [int]$TimeoutSeconds = 120
    )
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = Get-OcrsiteWslExe
    $startInfo.Arguments = $Arguments -join ' '
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.CreateNoWindow = $true
    $startInfo.StandardOutputEncoding = [System.Text.Encoding]::UTF8
    $startInfo.StandardErrorEncoding = [System.Text.Encoding]::UTF8
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        $process.Kill()
        throw "wsl.exe $($startInfo.Arguments) did not finish within $TimeoutSeconds s"
    }
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        Output   = ($stdout.Result + $stderr.Result).Trim()
    }
}

function Invoke-OcrsiteDistro {
    # A command inside the distribution, as root; throws when it fails.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [Parameter(Mandatory)][string[]]$Command,
        [int]$TimeoutSeconds = 120
    )
    $result = Invoke-Wsl -Arguments (@('-d', $Distro, '-u', 'root', '--') + $Command) `
        -TimeoutSeconds $TimeoutSeconds
    if ($result.ExitCode -ne 0) {
        throw "'$($Command -join ' ')' in $Distro failed ($($result.ExitCode)): $($result.Output)"
    }
    $result.Output
}

function Get-OcrsiteWslIp {
    # The distribution's address on WSL's NAT network: it changes every time WSL starts. The
    # helper picks eth0's, not docker0's or another bridge's (`hostname -I` lists them all).
    param([Parameter(Mandatory)][string]$Distro)
    (Invoke-OcrsiteDistro -Distro $Distro -Command @($script:Helper, 'address')).Trim()
}

function Get-OcrsitePortProxyTarget {
    # Read from the registry, where netsh keeps it: netsh's own output is localised.
    param([string]$ListenAddress = '0.0.0.0', [int]$Port = 8000)
    $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\PortProxy\v4tov4\tcp'
    $name = "$ListenAddress/$Port"
    $entry = Get-ItemProperty -Path $key -Name $name -ErrorAction SilentlyContinue
    if ($entry) { $entry.$name } else { $null }
}

function Get-OcrsiteFirewallProfile {
    # The firewall profiles the rule must cover, from the categories of the networks Windows is
    # on now (Get-NetConnectionProfile: DomainAuthenticated, Private, Public). A workgroup
    # server's adapter is usually Public: a Domain/Private rule would silently block the LAN.
    # Public is added only when a network is Public; the rule admits RemoteAddress alone (the
    # local subnet unless widened) whatever the profile.
    param([string[]]$Category)
    if ($Category -contains 'Public') { return 'Domain', 'Private', 'Public' }
    'Domain', 'Private'
}

function Get-OcrsiteNetworkCategory {
    @(Get-NetConnectionProfile | ForEach-Object { [string]$_.NetworkCategory })
}

function Set-OcrsiteFirewallRule {
    param([int]$Port = 8000, [string[]]$RemoteAddress = @('LocalSubnet'))
    $categories = Get-OcrsiteNetworkCategory
    $profiles = Get-OcrsiteFirewallProfile -Category $categories
    if (Get-NetFirewallRule -Name $script:FirewallRuleName -ErrorAction SilentlyContinue) {
        Set-NetFirewallRule -Name $script:FirewallRuleName -Enabled True -Protocol TCP `
            -LocalPort $Port -RemoteAddress $RemoteAddress -Profile $profiles
    }
    else {
        New-NetFirewallRule -Name $script:FirewallRuleName -DisplayName "ocrsite (TCP $Port)" `
            -Direction Inbound -Action Allow -Protocol TCP -LocalPort $Port `
            -RemoteAddress $RemoteAddress -Profile $profiles | Out-Null
    }
    Write-OcrsiteLog ("firewall rule {0}: TCP {1} from {2}, profiles {3} (networks: {4})" -f
        $script:FirewallRuleName, $Port, ($RemoteAddress -join ','), ($profiles -join ','),
        ($categories -join ','))
}

function Update-OcrsitePortProxy {
    # Forwards ListenAddress:Port on Windows to the distribution and opens the firewall for the
    # LAN (Set-OcrsiteFirewallRule). Returns $true when the forward had to change.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet')
    )
    # The portproxy needs the IP Helper service.
    Set-Service -Name iphlpsvc -StartupType Automatic
    Start-Service -Name iphlpsvc
    Set-OcrsiteFirewallRule -Port $Port -RemoteAddress $RemoteAddress

    $ip = Get-OcrsiteWslIp -Distro $Distro
    $wanted = "$ip/$Port"
    if ((Get-OcrsitePortProxyTarget -ListenAddress $ListenAddress -Port $Port) -eq $wanted) {
        return $false
    }
    netsh interface portproxy delete v4tov4 listenaddress=$ListenAddress listenport=$Port | Out-Null
    $added = netsh interface portproxy add v4tov4 listenaddress=$ListenAddress listenport=$Port `
        connectaddress=$ip connectport=$Port
    if ($LASTEXITCODE -ne 0) { throw "netsh portproxy add failed: $added" }
    Write-OcrsiteLog "port forward ${ListenAddress}:$Port -> ${ip}:$Port"
    $true
}

function Remove-OcrsitePortProxy {
    param([int]$Port = 8000, [string]$ListenAddress = '0.0.0.0')
    netsh interface portproxy delete v4tov4 listenaddress=$ListenAddress listenport=$Port | Out-Null
    Remove-NetFirewallRule -Name $script:FirewallRuleName -ErrorAction SilentlyContinue
}

function Get-OcrsiteHealthUrl {
    # The portproxy listens on ListenAddress only: 0.0.0.0 (every address) answers on 127.0.0.1,
    # any other address answers there and nowhere else.
    param([string]$ListenAddress = '0.0.0.0', [int]$Port = 8000)
    if ($ListenAddress -eq '0.0.0.0') { return 'http://127.0.0.1:{0}/healthz' -f $Port }
    'http://{0}:{1}/healthz' -f $ListenAddress, $Port
}

function Test-OcrsiteHealth {
    param([Parameter(Mandatory)][string]$Url, [int]$TimeoutSeconds = 10)
    try {
        $response = Invoke-WebRequest -Uri $Url -UseBasicParsing -TimeoutSec $TimeoutSeconds
        return $response.StatusCode -eq 200
    }
    catch {
        return $false
    }
}

function Wait-OcrsiteHealth {
    param([Parameter(Mandatory)][string]$Url, [int]$TimeoutSeconds = 180)
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds)
    while ((Get-Date) -lt $deadline) {
        if (Test-OcrsiteHealth -Url $Url) { return $true }
        Start-Sleep -Seconds 5
    }
    $false
}

function Get-OcrsiteKeepAlive {
    # The Windows processes of the distribution's keep-alive (wsl.exe ... ocrsite-wsl keepalive).
    param([Parameter(Mandatory)][string]$Distro)
    $pattern = "*-d $Distro $script:KeepAliveArguments*"
    @(Get-CimInstance -ClassName Win32_Process -Filter "Name = 'wsl.exe'" |
        Where-Object { $_.CommandLine -like $pattern })
}

function Stop-OcrsiteKeepAlive {
    param([Parameter(Mandatory)][string]$Distro)
    foreach ($process in Get-OcrsiteKeepAlive -Distro $Distro) {
        Stop-Process -Id $process.ProcessId -Force -ErrorAction SilentlyContinue
    }
}

function Confirm-OcrsiteKeepAlive {
    # WSL ends a distribution once no Windows process is attached to it, whatever systemd runs
    # inside. One hidden `wsl.exe ... ocrsite-wsl keepalive`, started by a task (the service
    # account's own logon, not an administrator's RDP session), keeps it up. A listed process is
    # trusted only when the distribution confirms its keep-alive runs: after a terminate or a
    # shutdown the old wsl.exe can outlive what it was attached to. Returns $true when it had to
    # start one (the distribution had ended, or is starting now).
    param([Parameter(Mandatory)][string]$Distro)
    $listed = Get-OcrsiteKeepAlive -Distro $Distro
    if ($listed.Count -gt 0) {
        $check = Invoke-Wsl -Arguments @('-d', $Distro, '-u', 'root', '--', $script:Helper,
            'keepalive-check') -TimeoutSeconds 60
        if ($check.ExitCode -eq 0) { return $false }
        Write-OcrsiteLog "the keep-alive of $Distro is listed but not running in it: replacing it"
        Stop-OcrsiteKeepAlive -Distro $Distro
    }
    Start-Process -FilePath (Get-OcrsiteWslExe) -WindowStyle Hidden `
        -ArgumentList "-d $Distro $script:KeepAliveArguments"
    Write-OcrsiteLog "started the keep-alive process for $Distro"
    $true
}

function Start-OcrsiteServices {
    # Starts the distribution (and keeps it up), waits for systemd (bounded: a hung boot must
    # not hang the task), starts ocrsite.target and points the port forward at the distribution.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet')
    )
    Confirm-OcrsiteKeepAlive -Distro $Distro | Out-Null
    $started = Invoke-OcrsiteDistro -Distro $Distro -Command @($script:Helper, 'start', '240') `
        -TimeoutSeconds 300
    Write-OcrsiteLog "$Distro $($started -replace '\s*\r?\n\s*', '; ')"
    Update-OcrsitePortProxy -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
        -RemoteAddress $RemoteAddress | Out-Null
}

function Restart-OcrsiteServices {
    param([Parameter(Mandatory)][string]$Distro)
    Invoke-OcrsiteDistro -Distro $Distro -Command @('systemctl', 'restart', 'ocrsite.target') `
        -TimeoutSeconds 300 | Out-Null
}

function Restart-OcrsiteWsl {
    # Stops the distribution (-Shutdown: the whole WSL VM) and its keep-alive, then starts
    # everything again.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet'),
        [switch]$Shutdown
    )
    Stop-OcrsiteKeepAlive -Distro $Distro
    if ($Shutdown) {
        Invoke-Wsl -Arguments @('--shutdown') -TimeoutSeconds 120 | Out-Null
    }
    else {
        Invoke-Wsl -Arguments @('--terminate', $Distro) -TimeoutSeconds 120 | Out-Null
    }
    Start-OcrsiteServices -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
        -RemoteAddress $RemoteAddress
}

function Get-OcrsiteWatchdogAction {
    # What the watchdog does after a poll, from what it saw:
    #   pause   maintenance is on: no checks, no repairs
    #   reset   /healthz answered: forget earlier failures
    #   start   the keep-alive had gone (the distribution ended: a logoff, a terminate): start
    #           the services at once instead of counting failures
    #   wait    fewer than FailuresBeforeAction failed polls in a row
    #   repair  re-point the port forward, then the next repair step (Get-OcrsiteRepairStep)
    param(
        [bool]$Maintenance,
        [bool]$Healthy,
        [bool]$KeepAliveRestarted,
        [int]$Failures,
        [int]$FailuresBeforeAction = 3
    )
    if ($Maintenance) { return 'pause' }
    if ($Healthy) { return 'reset' }
    if ($KeepAliveRestarted) { return 'start' }
    if ($Failures -lt $FailuresBeforeAction) { return 'wait' }
    'repair'
}

function Get-OcrsiteRepairStep {
    # The repair after Step while the service stays down: 1 restart the services, 2 terminate
    # and start the distribution, 3 shut the WSL VM down and start it (repeated from then on).
    param([int]$Step)
    if ($Step -ge 3) { return 3 }
    $Step + 1
}

function Invoke-OcrsiteRepair {
    param(
        [Parameter(Mandatory)][int]$Step,
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet')
    )
    $where = @{
        Distro = $Distro; Port = $Port; ListenAddress = $ListenAddress
        RemoteAddress = $RemoteAddress
    }
    switch ($Step) {
        1 {
            Write-OcrsiteLog 'restarting the ocrsite services'
            Restart-OcrsiteServices -Distro $Distro
        }
        2 {
            Write-OcrsiteLog "restarting the distribution $Distro"
            Restart-OcrsiteWsl @where
        }
        3 {
            Write-OcrsiteLog 'shutting WSL down and starting it again'
            Restart-OcrsiteWsl @where -Shutdown
        }
    }
}

function Test-OcrsiteMaintenance {
    Test-Path -LiteralPath (Join-Path $script:OcrsiteHome 'maintenance')
}

function Set-OcrsiteMaintenance {
    # A flag file the watchdog reads on every poll: on, it neither checks nor repairs (upgrades,
    # `wsl --shutdown` by hand); off, it goes back to work at its next poll.
    param([Parameter(Mandatory)][ValidateSet('on', 'off')][string]$State)
    $flag = Join-Path $script:OcrsiteHome 'maintenance'
    if ($State -eq 'on') {
        Set-Content -LiteralPath $flag -Value "since $(Get-Date -Format s) by $env:USERNAME"
    }
    else {
        Remove-Item -LiteralPath $flag -Force -ErrorAction SilentlyContinue
    }
    $watchdog = if ($State -eq 'on') { 'pauses' } else { 'resumes' }
    Write-OcrsiteLog "maintenance $State (the watchdog $watchdog)"
}

Export-ModuleMember -Function @(
    'Get-OcrsiteHome', 'Set-OcrsiteLogName', 'Write-OcrsiteLog', 'Get-OcrsiteWslExe',
    'Invoke-Wsl', 'Invoke-OcrsiteDistro', 'Get-OcrsiteWslIp', 'Get-OcrsitePortProxyTarget',
    'Get-OcrsiteFirewallProfile', 'Get-OcrsiteNetworkCategory', 'Set-OcrsiteFirewallRule',
    'Update-OcrsitePortProxy', 'Remove-OcrsitePortProxy', 'Get-OcrsiteHealthUrl',
    'Test-OcrsiteHealth', 'Wait-OcrsiteHealth', 'Get-OcrsiteKeepAlive', 'Stop-OcrsiteKeepAlive',
    'Confirm-OcrsiteKeepAlive', 'Start-OcrsiteServices', 'Restart-OcrsiteServices',
    'Restart-OcrsiteWsl', 'Get-OcrsiteWatchdogAction', 'Get-OcrsiteRepairStep',
    'Invoke-OcrsiteRepair', 'Test-OcrsiteMaintenance', 'Set-OcrsiteMaintenance'
)
