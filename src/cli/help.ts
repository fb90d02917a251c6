/**
 * oclif help with the exit-code table appended, so `dr --help` documents the contract.
 */
import { Help, type Command } from '@oclif/core';
import { EXIT_CODE_TABLE } from './exit-codes.js';

function exitCodeSection(): string {
  const rows = EXIT_CODE_TABLE.map(([code, meaning]) => `  ${code}  ${meaning}`);
  return ['EXIT CODES', ...rows].join('\n');
}

export default class DrHelp extends Help {
  protected override async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log(`\n${exitCodeSection()}\n`);
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command);
    this.log(`${exitCodeSection()}\n`);
  }
}
