import type { CommandModule } from '../context.js';
import { registerInspect } from './inspect.js';

/** Every subcommand, in the order `fledge --help` lists them. One file per subcommand. */
export const COMMANDS: readonly CommandModule[] = [
  registerInspect,
];
