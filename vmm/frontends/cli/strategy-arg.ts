import { IGD_STRATEGY_NAMES } from '../../../firmware/igd/types.js';
import { UsageError } from './errors.js';

/** `--strategy NAME` must name an IGD strategy (the config schema's IGD_STRATEGIES are these names). */
export function checkStrategy(s: string): void {
  if (!(IGD_STRATEGY_NAMES as readonly string[]).includes(s)) throw new UsageError(`unknown strategy '${s}' (known: ${IGD_STRATEGY_NAMES.join(', ')})`);
}
