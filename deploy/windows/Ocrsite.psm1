# Functions shared by the ocrsite Windows scripts (Start-Ocrsite, Set-OcrsitePortProxy,
# Watch-Ocrsite, Install-OcrsiteTasks). Windows PowerShell 5.1 (built into Windows Server 2022)
# and PowerShell 7 both run them.

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# wsl.exe writes its own messages in UTF-16 unless told otherwise.
$env:WSL_UTF8 = '1'

$script:LogDir = Join-Path $env:ProgramData 'ocrsite'
$script:LogMaxBytes = 5MB
$script:FirewallRuleName = 'ocrsite-http'
$script:KeepAliveCommand = '--exec /bin/sleep infinity'

function Write-OcrsiteLog {
    param([Parameter(Mandatory)][string]$Message)
    New-Item -ItemType Directory -Force -Path $script:LogDir | Out-Null
    $log = Join-Path $script:LogDir 'ocrsite.log'
    # One old file is kept: the log of an unattended machine must not fill its disk.
    if ((Test-Path $log) -and ((Get-Item $log).Length -gt $script:LogMaxBytes)) {
        Move-Item -Force -Path $log -Destination "$log.1"
    }
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message
    Add-Content -Path $log -Value $line -Encoding UTF8
    Write-Host $line
}

function Invoke-Wsl {
    # Runs wsl.exe with a time limit: a hung WSL is exactly what the watchdog has to survive.
    param(
        [Parameter(Mandatory)][string[]]$Arguments,
        [int]$TimeoutSeconds = 120
    )
    $startInfo = New-Object System.Diagnostics.ProcessStartInfo
    $startInfo.FileName = 'wsl.exe'
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
    # The distribution's address on WSL's NAT network: it changes every time WSL starts.
    param([Parameter(Mandatory)][string]$Distro)
    $addresses = Invoke-OcrsiteDistro -Distro $Distro -Command @('hostname', '-I')
    $ip = ($addresses -split '\s+' | Where-Object { $_ -match '^\d+\.\d+\.\d+\.\d+$' } |
        Select-Object -First 1)
    if (-not $ip) { throw "no IPv4 address in $Distro ('$addresses')" }
    $ip
}

function Get-OcrsitePortProxyTarget {
    # Read from the registry, where netsh keeps it: netsh's own output is localised.
    param([string]$ListenAddress = '0.0.0.0', [int]$Port = 8000)
    $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\PortProxy\v4tov4\tcp'
    $name = "$ListenAddress/$Port"
    $entry = Get-ItemProperty -Path $key -Name $name -ErrorAction SilentlyContinue
    if ($entry) { $entry.$name } else { $null }
}

function Update-OcrsitePortProxy {
    # Forwards ListenAddress:Port on Windows to the distribution and opens the firewall for the
    # LAN: Domain and Private profiles, and only to RemoteAddress (by default the local subnet;
    # a list of addresses or ranges to widen it). Returns $true when the forward had to change.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet')
    )
    # The portproxy needs the IP Helper service.
    Set-Service -Name iphlpsvc -StartupType Automatic
    Start-Service -Name iphlpsvc

    if (Get-NetFirewallRule -Name $script:FirewallRuleName -ErrorAction SilentlyContinue) {
        Set-NetFirewallRule -Name $script:FirewallRuleName -Enabled True -Protocol TCP `
            -LocalPort $Port -RemoteAddress $RemoteAddress
    }
    else {
        New-NetFirewallRule -Name $script:FirewallRuleName -DisplayName "ocrsite (TCP $Port)" `
            -Direction Inbound -Action Allow -Protocol TCP -LocalPort $Port `
            -RemoteAddress $RemoteAddress -Profile @('Domain', 'Private') | Out-Null
    }

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

function Confirm-OcrsiteKeepAlive {
    # WSL shuts a distribution down once no Windows process is attached to it, whatever systemd
    # runs inside. One hidden `wsl.exe ... sleep infinity` per distribution keeps it up.
    param([Parameter(Mandatory)][string]$Distro)
    $pattern = "*-d $Distro $script:KeepAliveCommand*"
    $running = Get-CimInstance -ClassName Win32_Process -Filter "Name = 'wsl.exe'" |
        Where-Object { $_.CommandLine -like $pattern }
    if (-not $running) {
        Start-Process -FilePath 'wsl.exe' -ArgumentList "-d $Distro $script:KeepAliveCommand" `
            -WindowStyle Hidden
        Write-OcrsiteLog "started the keep-alive process for $Distro"
    }
}

function Start-OcrsiteServices {
    # Starts the distribution (and keeps it up), waits for systemd, starts ocrsite.target and
    # points the port forward at the distribution's current address.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [string[]]$RemoteAddress = @('LocalSubnet')
    )
    Confirm-OcrsiteKeepAlive -Distro $Distro
    # `is-system-running --wait` returns when boot is over; "degraded" (some unrelated unit
    # failed) is fine for us, so its exit code is not checked.
    $state = Invoke-Wsl -Arguments @('-d', $Distro, '-u', 'root', '--', 'systemctl',
        'is-system-running', '--wait') -TimeoutSeconds 300
    Write-OcrsiteLog "$Distro systemd: $($state.Output)"
    Invoke-OcrsiteDistro -Distro $Distro -Command @('systemctl', 'start', 'ocrsite.target') | Out-Null
    Update-OcrsitePortProxy -Distro $Distro -Port $Port -ListenAddress $ListenAddress `
        -RemoteAddress $RemoteAddress | Out-Null
}

function Restart-OcrsiteServices {
    param([Parameter(Mandatory)][string]$Distro)
    Invoke-OcrsiteDistro -Distro $Distro -Command @('systemctl', 'restart', 'ocrsite.target') `
        -TimeoutSeconds 300 | Out-Null
}

function Restart-OcrsiteWsl {
    # Stops the distribution (-Shutdown: the whole WSL VM), then starts everything again.
    param(
        [Parameter(Mandatory)][string]$Distro,
        [int]$Port = 8000,
        [string]$ListenAddress = '0.0.0.0',
        [switch]$Shutdown
    )
    if ($Shutdown) {
        Invoke-Wsl -Arguments @('--shutdown') -TimeoutSeconds 120 | Out-Null
    }
    else {
        Invoke-Wsl -Arguments @('--terminate', $Distro) -TimeoutSeconds 120 | Out-Null
    }
    Start-OcrsiteServices -Distro $Distro -Port $Port -ListenAddress $ListenAddress
}

Export-ModuleMember -Function @(
    'Write-OcrsiteLog', 'Invoke-Wsl', 'Invoke-OcrsiteDistro', 'Get-OcrsiteWslIp',
    'Get-OcrsitePortProxyTarget', 'Update-OcrsitePortProxy', 'Remove-OcrsitePortProxy',
    'Test-OcrsiteHealth', 'Wait-OcrsiteHealth', 'Confirm-OcrsiteKeepAlive', 'Start-OcrsiteServices',
    'Restart-OcrsiteServices', 'Restart-OcrsiteWsl'
)
