import type { Command } from 'commander';

/**
 * Shell completion scripts, generated from the program itself so they cannot fall behind it. Each script
 * carries a small table: for every command path (`mlctl`, `mlctl models`, …) its subcommands, its flags,
 * and which flags take a value. Completing walks the words typed so far to the deepest command, then
 * offers its flags (after `-`), its subcommands, or files (for a flag's value, or a command that takes
 * paths).
 */
export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionEntry {
  /** `mlctl`, `mlctl models`, `mlctl drift serve`. */
  path: string;
  /** Subcommands, or the values the command's argument takes. */
  commands: string[];
  /** Every flag, long and short: `--data`, `-h`. */
  flags: string[];
  /** The flags that take a value (the next word is not a command). */
  valueFlags: string[];
}

/** The completion table of a commander program, depth first. */
export function completionTable(program: Command): CompletionEntry[] {
  const entries: CompletionEntry[] = [];
  const visit = (command: Command, path: string, root: boolean): void => {
    const flags = ['-h', '--help'];
    const valueFlags: string[] = [];
    for (const option of command.options) {
      const names = [option.short, option.long].filter((n): n is string => n !== undefined);
      flags.push(...names);
      if (option.required || option.optional) valueFlags.push(...names);
    }
    // Subcommands, and the values an argument is limited to (`mlctl completion <shell>`).
    const commands = [
      ...command.commands.map((c) => c.name()),
      ...command.registeredArguments.flatMap((a) => a.argChoices ?? []),
    ];
    if (root) commands.push('help');
    entries.push({ path, commands, flags: [...new Set(flags)], valueFlags });
    for (const sub of command.commands) visit(sub, `${path} ${sub.name()}`, false);
  };
  visit(program, 'mlctl', true);
  return entries;
}

export function completionScript(shell: Shell, table: CompletionEntry[]): string {
  switch (shell) {
    case 'bash':
      return bash(table);
    case 'zsh':
      return zsh(table);
    case 'fish':
      return fish(table);
    case 'powershell':
      return powershell(table);
  }
}

const words = (list: string[]): string => list.join(' ');
/** A single-quoted word, the same in all four shells: command and flag names never hold a quote. */
const sq = (text: string): string => {
  if (text.includes("'")) throw new Error(`a quote in a completion word: ${text}`);
  return `'${text}'`;
};
const valueKeys = (table: CompletionEntry[]): string[] =>
  table.flatMap((e) => e.valueFlags.map((f) => `${e.path} ${f}`));

function bash(table: CompletionEntry[]): string {
  const cases = (pick: (e: CompletionEntry) => string[]) =>
    table.map((e) => `    ${sq(e.path)}) echo ${sq(words(pick(e)))} ;;`).join('\n');
  return `# mlctl completion for bash. Load it now:  source <(mlctl completion bash)
# or for every new shell:  mlctl completion bash > ~/.local/share/bash-completion/completions/mlctl
_mlctl_commands() {
  case "$1" in
${cases((e) => e.commands)}
  esac
}
_mlctl_flags() {
  case "$1" in
${cases((e) => e.flags)}
  esac
}
_mlctl_takes_value() {
  case "$1 $2" in
    ${valueKeys(table).map(sq).join('|')}) return 0 ;;
  esac
  return 1
}
_mlctl() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path=mlctl word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ $word == -* ]]; then
      if _mlctl_takes_value "$path" "$word"; then ((i++)); fi
    elif [[ " $(_mlctl_commands "$path") " == *" $word "* ]]; then
      path="$path $word"
    fi
  done
  if [[ $prev == -* ]] && _mlctl_takes_value "$path" "$prev"; then
    COMPREPLY=()
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_mlctl_flags "$path")" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$(_mlctl_commands "$path")" -- "$cur")
  fi
}
complete -o default -F _mlctl mlctl
`;
}

function zsh(table: CompletionEntry[]): string {
  const assoc = (pick: (e: CompletionEntry) => string[]) =>
    table.map((e) => `    ${sq(e.path)} ${sq(words(pick(e)))}`).join('\n');
  return `#compdef mlctl
# mlctl completion for zsh. Load it now:  source <(mlctl completion zsh)
# or for every new shell, as _mlctl in a directory of $fpath:  mlctl completion zsh > ~/.zfunc/_mlctl
_mlctl() {
  local -A subs_ flags_ takes_
  subs_=(
${assoc((e) => e.commands)}
  )
  flags_=(
${assoc((e) => e.flags)}
  )
  takes_=(
${valueKeys(table)
  .map((k) => `    ${sq(k)} 1`)
  .join('\n')}
  )
  local path_=mlctl word i
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ $word == -* ]]; then
      if (( \${+takes_[$path_ $word]} )); then ((i++)); fi
    elif (( \${\${=subs_[$path_]}[(Ie)$word]} )); then
      path_="$path_ $word"
    fi
  done
  local prev=\${words[CURRENT-1]}
  if [[ $prev == -* ]] && (( \${+takes_[$path_ $prev]} )); then
    _files
  elif [[ $PREFIX == -* ]]; then
    compadd -- \${=flags_[$path_]}
  elif [[ -n \${subs_[$path_]} ]]; then
    compadd -- \${=subs_[$path_]}
  else
    _files
  fi
}
if [[ \${funcstack[1]} == _mlctl ]]; then _mlctl "$@"; else compdef _mlctl mlctl; fi
`;
}

function fish(table: CompletionEntry[]): string {
  const lines: string[] = [];
  for (const e of table) {
    const when = `-n "test (__mlctl_path) = ${sq(e.path)}"`;
    if (e.commands.length) lines.push(`complete -c mlctl ${when} -f -a ${sq(words(e.commands))}`);
    for (const flag of e.flags) {
      const name = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c mlctl ${when} ${name}${e.valueFlags.includes(flag) ? ' -r' : ''}`);
    }
  }
  const cases = table
    .filter((e) => e.commands.length)
    .map((e) => `        case ${sq(e.path)}\n            printf '%s\\n' ${e.commands.map(sq).join(' ')}`)
    .join('\n');
  return `# mlctl completion for fish:  mlctl completion fish > ~/.config/fish/completions/mlctl.fish
set -g __mlctl_takes_value ${valueKeys(table).map(sq).join(' ')}
function __mlctl_commands
    switch $argv[1]
${cases}
    end
end
function __mlctl_path
    set -l path mlctl
    set -l skip 0
    for word in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
        else if string match -q -- '-*' $word
            if contains -- "$path $word" $__mlctl_takes_value
                set skip 1
            end
        else if contains -- $word (__mlctl_commands $path)
            set path "$path $word"
        end
    end
    echo $path
end
${lines.join('\n')}
`;
}

function powershell(table: CompletionEntry[]): string {
  const hash = (pick: (e: CompletionEntry) => string[]) =>
    table.map((e) => `    ${sq(e.path)} = @(${pick(e).map(sq).join(', ')})`).join('\n');
  return `# mlctl completion for PowerShell. Load it now:  mlctl completion powershell | Out-String | Invoke-Expression
# or for every new session: add that line to $PROFILE.
Register-ArgumentCompleter -Native -CommandName mlctl, mlctl.ps1, mlctl.cmd -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $commands = @{
${hash((e) => e.commands)}
  }
  $flags = @{
${hash((e) => e.flags)}
  }
  $takesValue = @(${valueKeys(table).map(sq).join(', ')})
  $path = 'mlctl'
  $skip = $false
  $before = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.EndOffset -lt $cursorPosition })
  foreach ($element in $before) {
    $word = $element.ToString()
    if ($skip) { $skip = $false }
    elseif ($word.StartsWith('-')) { $skip = $takesValue -contains "$path $word" }
    elseif ($commands[$path] -contains $word) { $path = "$path $word" }
  }
  if ($skip) { return }
  $candidates = if ($wordToComplete.StartsWith('-')) { $flags[$path] } else { $commands[$path] }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
