#!/usr/bin/env pwsh
# mlctl for PowerShell (Windows PowerShell 5.1 and PowerShell 7+, any OS):
#   .\bin\mlctl.ps1 validate data\processed\iris.csv --schema data\processed\iris.schema.json
# Finds node (MLCTL_NODE, else the Node.js `npm ci` installed for the project, else PATH), checks it is 22.12
# or later, runs mlctl's JavaScript entry with the arguments exactly as given, and exits with mlctl's exit
# code (0 ok, 1 failure, 2 usage, 3 check failed).
# Works in the mlctl repository (bin\mlctl beside this file) and in a repository made by `mlctl init`
# (mlctl installed in node_modules).
$ErrorActionPreference = 'Stop'
# Exit codes of native commands are read from $LASTEXITCODE, never turned into errors (PowerShell 7.4+).
$PSNativeCommandUseErrorActionPreference = $false
Set-StrictMode -Version 3.0

function Write-MlctlError([string]$Message, [string]$Hint) {
  [Console]::Error.WriteLine("mlctl: error: $Message")
  if ($Hint) { [Console]::Error.WriteLine("hint: $Hint") }
}

$repo = Split-Path -Parent $PSScriptRoot
$entry = Join-Path $PSScriptRoot 'mlctl'
if (-not (Test-Path -LiteralPath $entry -PathType Leaf)) {
  $entry = [System.IO.Path]::Combine($repo, 'node_modules', 'mlctl', 'bin', 'mlctl')
}
if (-not (Test-Path -LiteralPath $entry -PathType Leaf)) {
  Write-MlctlError "mlctl is not installed (looked for $entry)" 'run `npm ci` in the repository first'
  exit 1
}

$node = $env:MLCTL_NODE
if (-not $node) {
  # The project's own Node.js (its pinned `node` devDependency), the one `npm run` and `npx` use too.
  $exe = if ($env:OS -eq 'Windows_NT') { 'node.exe' } else { 'node' }
  $own = [System.IO.Path]::Combine($repo, 'node_modules', 'node', 'bin', $exe)
  if (Test-Path -LiteralPath $own -PathType Leaf) { $node = $own }
}
if (-not $node) {
  $found = Get-Command -Name node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
  if ($found) { $node = $found.Source }
}
if (-not $node) {
  Write-MlctlError 'Node.js was not found on PATH' 'install Node.js 24 LTS (winget install OpenJS.NodeJS.LTS, or https://nodejs.org), then open a new terminal'
  exit 2
}

$version = (& $node -p 'process.versions.node' | Out-String).Trim()
$parts = $version.Split('.')
$major = [int]$parts[0]
$minor = [int]$parts[1]
if ($major -lt 22 -or ($major -eq 22 -and $minor -lt 12)) {
  Write-MlctlError "Node.js $version ($node) is too old; mlctl needs Node.js 22.12 or later (24 LTS recommended)" 'winget upgrade OpenJS.NodeJS.LTS, or install it from https://nodejs.org'
  exit 2
}

& $node $entry @args
exit $LASTEXITCODE
