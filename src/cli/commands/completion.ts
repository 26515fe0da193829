import { Argument } from 'commander';
import type { Command } from 'commander';
import { SHELLS, completionScript, completionTable } from '../completion';
import type { Shell } from '../completion';
import type { CliContext } from '../context';

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Print a shell completion script for mlctl: bash, zsh, fish or powershell.')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  source <(mlctl completion bash)                                   # this bash session
  mlctl completion bash > ~/.local/share/bash-completion/completions/mlctl
  mlctl completion zsh > ~/.zfunc/_mlctl                           # with fpath+=~/.zfunc before compinit
  mlctl completion fish > ~/.config/fish/completions/mlctl.fish
  mlctl completion powershell | Out-String | Invoke-Expression     # add it to $PROFILE to keep it

Exit codes: 0 printed · 2 an unknown shell.`,
    )
    .action((shell: Shell) => {
      ctx.stdout.write(completionScript(shell, completionTable(program)));
    });
}
