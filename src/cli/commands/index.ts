import type { CommandModule } from '../context.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerPlan } from './plan.js';

/** Every subcommand, in the order `fledge --help` lists them. One file per subcommand. */
export const COMMANDS: readonly CommandModule[] = [
  registerInspect,
  registerPlan,
  registerImport,
];
