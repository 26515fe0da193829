@echo off
rem mlctl for cmd.exe:  bin\mlctl.cmd validate data\processed\iris.csv --schema data\processed\iris.schema.json
rem Finds node (MLCTL_NODE, else the Node.js `npm ci` installed for the project, else PATH), checks it is
rem 22.12 or later, runs mlctl's JavaScript entry with the arguments as given and exits with mlctl's exit
rem code (0 ok, 1 failure, 2 usage, 3 check failed).
rem Works in the mlctl repository and in a repository made by `mlctl init` (mlctl in node_modules).
setlocal
set "MLCTL_ENTRY=%~dp0mlctl"
if not exist "%MLCTL_ENTRY%" set "MLCTL_ENTRY=%~dp0..\node_modules\mlctl\bin\mlctl"
if not exist "%MLCTL_ENTRY%" goto not_installed

set "MLCTL_NODE_EXE=%MLCTL_NODE%"
rem The project's own Node.js (its pinned `node` devDependency), the one `npm run` and `npx` use too.
if not defined MLCTL_NODE_EXE if exist "%~dp0..\node_modules\node\bin\node.exe" set "MLCTL_NODE_EXE=%~dp0..\node_modules\node\bin\node.exe"
if not defined MLCTL_NODE_EXE for %%N in (node.exe) do set "MLCTL_NODE_EXE=%%~$PATH:N"
if not defined MLCTL_NODE_EXE goto no_node

"%MLCTL_NODE_EXE%" -e "var p=process.versions.node.split('.').map(Number);process.exit(p[0]>22||(p[0]===22&&p[1]>=12)?0:1)"
if errorlevel 1 goto old_node

"%MLCTL_NODE_EXE%" "%MLCTL_ENTRY%" %*
exit /b %ERRORLEVEL%

:not_installed
>&2 echo mlctl: error: mlctl is not installed, looked for %MLCTL_ENTRY%
>&2 echo hint: run `npm ci` in the repository first
exit /b 1

:no_node
>&2 echo mlctl: error: Node.js was not found on PATH
>&2 echo hint: install Node.js 24 LTS with `winget install OpenJS.NodeJS.LTS` or from https://nodejs.org, then open a new terminal
exit /b 2

:old_node
for /f "delims=" %%V in ('""%MLCTL_NODE_EXE%" -p process.versions.node"') do set "MLCTL_NODE_VERSION=%%V"
>&2 echo mlctl: error: Node.js %MLCTL_NODE_VERSION% is too old; mlctl needs Node.js 22.12 or later, 24 LTS recommended
>&2 echo hint: `winget upgrade OpenJS.NodeJS.LTS`, or install it from https://nodejs.org
exit /b 2
