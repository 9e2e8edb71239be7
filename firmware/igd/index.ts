import { dummyDevice } from './dummy-device.js';
import { e820Reserved } from './e820-reserved.js';
import { identity } from './identity.js';
import { igdBar5 } from './igd-bar5.js';
import { lpcBars } from './lpc-bars.js';
import { none } from './none.js';
import { DEFAULT_IGD_STRATEGY, IGD_STRATEGY_NAMES, type IgdStrategy, type IgdStrategyName } from './types.js';
import { uefiReserved } from './uefi-reserved.js';
import { zeroGms } from './zero-gms.js';

export { DEFAULT_IGD_STRATEGY, IGD_STRATEGY_NAMES, type FakeBarCarrier, type IgdStrategy, type IgdStrategyName, type IgdVmmPlan } from './types.js';
export { seabiosIgdSetup } from './e820-reserved.js';
export { vfioIgdPkgSetup } from './uefi-reserved.js';
export { identityIgdSetup } from './identity.js';

const STRATEGIES: Readonly<Record<IgdStrategyName, IgdStrategy>> = {
  'e820-reserved': e820Reserved,
  'uefi-reserved': uefiReserved,
  'lpc-bars': lpcBars,
  'igd-bar5': igdBar5,
  'dummy-device': dummyDevice,
  identity,
  'zero-gms': zeroGms,
  none,
};

export function isIgdStrategyName(name: string): name is IgdStrategyName {
  return (IGD_STRATEGY_NAMES as readonly string[]).includes(name);
}

/** A strategy by name, or undefined for an unknown name. */
export function igdStrategy(name: string): IgdStrategy | undefined {
  return isIgdStrategyName(name) ? STRATEGIES[name] : undefined;
}

/** The strategy a boot uses: `--strategy`, else `firmware.igd-strategy`, else SeaBIOS's own (e820-reserved). */
export function resolveIgdStrategy(configured: string | undefined, override?: string): IgdStrategy {
  return igdStrategy(override ?? configured ?? DEFAULT_IGD_STRATEGY) ?? STRATEGIES[DEFAULT_IGD_STRATEGY];
}

export function allIgdStrategies(): IgdStrategy[] {
  return IGD_STRATEGY_NAMES.map((n) => STRATEGIES[n]);
}
