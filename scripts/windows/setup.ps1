#Requires -Version 5.1
<#
.SYNOPSIS
  Sets up mlctl on Windows: checks npm, installs and builds with `npm ci` (which also installs the Node.js 24
  the repository runs on), and runs a smoke test.
.DESCRIPTION
  Run from anywhere:  powershell -ExecutionPolicy Bypass -File scripts\windows\setup.ps1
  It stops at the first problem with what to do about it. Nothing is installed globally; afterwards use
  .\bin\mlctl.ps1 (PowerShell) or bin\mlctl.cmd (cmd.exe), or `npx mlctl`.
.PARAMETER SkipInstall
  Only check Node.js and run the smoke test (mlctl already installed).
#>
param([switch]$SkipInstall)
$ErrorActionPreference = 'Stop'
# Exit codes of native commands are read from $LASTEXITCODE, never turned into errors (PowerShell 7.4+).
$PSNativeCommandUseErrorActionPreference = $false
Set-StrictMode -Version 3.0

$repo = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
Set-Location -LiteralPath $repo

function Fail([string]$Message, [string]$Hint) {
  [Console]::Error.WriteLine("setup: error: $Message")
  if ($Hint) { [Console]::Error.WriteLine("hint: $Hint") }
  exit 1
}
function Step([string]$Message) { Write-Host "setup: $Message" }

# 1. npm and a Node.js that runs it (20.17 or later: package.json devEngines). mlctl itself runs on the
#    Node.js 24 that `npm ci` installs into node_modules (the pinned `node` devDependency); the wrappers use it.
$node = Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $node) {
  Fail 'Node.js was not found on PATH' 'install Node.js 24 LTS (winget install OpenJS.NodeJS.LTS, or https://nodejs.org), then open a new terminal'
}
$version = (& $node.Source -p 'process.versions.node' | Out-String).Trim()
$parts = $version.Split('.')
if ([int]$parts[0] -lt 20 -or ([int]$parts[0] -eq 20 -and [int]$parts[1] -lt 17)) {
  Fail "Node.js $version is too old to run npm for this repository; it needs 20.17 or later (24 LTS recommended)" 'winget upgrade OpenJS.NodeJS.LTS'
}
Step "Node.js $version ($($node.Source))"
$npm = Get-Command -Name npm -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $npm) { Fail 'npm was not found on PATH' 'reinstall Node.js with npm included' }

# 2. Install and build (npm ci installs the repository's Node.js 24, then runs the TypeScript build through
#    `prepare` on it).
if (-not $SkipInstall) {
  Step 'npm ci (installs the locked dependencies and builds mlctl)'
  & $npm.Source ci --no-audit --no-fund
  if ($LASTEXITCODE -ne 0) { Fail "npm ci failed (exit $LASTEXITCODE)" 'read the npm output above; behind a proxy set HTTPS_PROXY' }
}

# 3. Smoke test through the wrapper: the shipped data validates (exit 0), the broken copy is caught (exit 3).
$mlctl = Join-Path $repo 'bin\mlctl.ps1'
& $mlctl --version
if ($LASTEXITCODE -ne 0) { Fail "mlctl --version failed (exit $LASTEXITCODE)" 'run npm run build and look at its errors' }
& $mlctl validate data\processed\iris.csv --schema data\processed\iris.schema.json
if ($LASTEXITCODE -ne 0) { Fail "mlctl validate on the shipped data exited $LASTEXITCODE, expected 0" '' }
& $mlctl validate data\examples\broken-iris.csv --schema data\processed\iris.schema.json *> $null
if ($LASTEXITCODE -ne 3) { Fail "mlctl validate on the broken example exited $LASTEXITCODE, expected 3" '' }

Step 'ready. Try:  .\bin\mlctl.ps1 --help   (docs\SET-UP.md has the next steps)'
exit 0
