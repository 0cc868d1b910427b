import type { CommandModule } from '../context.js';
import { registerImport } from './import.js';
import { registerInspect } from './inspect.js';
import { registerLogin } from './login.js';
import { registerLogout } from './logout.js';
import { registerPlan } from './plan.js';
import { registerStatus } from './status.js';
import { registerUndo } from './undo.js';
import { registerWhoami } from './whoami.js';
import { registerFollows } from './follows.js';
import { registerProfile } from './profile.js';

/** Every subcommand, in the order `fledge --help` lists them. One file per subcommand. */
export const COMMANDS: readonly CommandModule[] = [
  registerInspect,
  registerPlan,
  registerImport,
  registerStatus,
  registerUndo,
  registerLogin,
  registerLogout,
  registerWhoami,
  registerFollows,
  registerProfile,
];
