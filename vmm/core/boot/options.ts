import type { FirmwareResult } from '../../../firmware/index.js';
import type { BudgetLimits } from '../budget/budget.js';
import type { Machine } from '../machine/machine.js';
import type { ProfileOverrides } from '../profile/profile.js';
import type { BootReport } from '../../frontends/report/types.js';
import type { Passthrough, QuirkRelocation } from '../../passthrough/traps/index.js';
import type { RomProgramCache } from '../../passthrough/rom/resolve.js';

/** What a caller may ask of one boot besides the config itself (the CLI's flags, a test's choices). */
export interface BootOptions {
  /** Path shown in the report's `config` field; relative `rom:`/vBIOS paths resolve from its folder. */
  readonly configPath?: string;
  /** Overrides `firmware.igd-strategy` (`--strategy`). */
  readonly strategy?: string;
  /** Overrides `firmware.vbios` (`--vbios`). */
  readonly vbios?: string;
  /** false = QEMU 10.0 behaviour: no built-in IGD BAR4 quirk (`--no-quirks`). */
  readonly quirks?: boolean;
  /** Keep trap hits for `--trace FILE`: true, or the most hits to keep. */
  readonly trace?: boolean | number;
  /** Which values the IGD BAR4 quirk relocates (default 'host-range'; 'all' = QEMU's literal formula). */
  readonly quirkRelocation?: QuirkRelocation;
  /** The mode the IGD vBIOS program sets (default 1024x768x32). */
  readonly mode?: { readonly width: number; readonly height: number; readonly bpp: number };
  /** Limits of this boot (`--budget`); unset quantities keep DEFAULT_BUDGET's value. */
  readonly budget?: Partial<BudgetLimits>;
  /** Overrides of the machine profile (`--qemu`, `--firmware`). */
  readonly profile?: ProfileOverrides;
  /** Parsed bundled ROM programs shared by the boots of one caller (a sweep, the bench); default: parse per boot. */
  readonly romPrograms?: RomProgramCache;
}

export interface BootResult {
  readonly report: BootReport;
  readonly machine: Machine;
  readonly firmware: FirmwareResult;
  /** The trap layer, option ROMs and IOMMU wiring of this boot (its trace, for `--trace`). */
  readonly passthrough: Passthrough;
}
