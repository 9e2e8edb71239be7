import { FWCFG_STOLEN_BASE, le64 } from '../../../devices/igd/index.js';
import type { Machine } from '../../core/machine/machine.js';
import { decodeE820, E820_RESERVED, encodeE820 } from '../../core/machine/e820.js';
import type { IgdMachineState } from './state.js';
import { hex } from '../../core/format.js';

const MiB = 0x10_0000;

/**
 * identity (bhyve GVT-d, EVE; docs/igd.md §7): the guest's stolen memory is the host's range itself.
 * The VMM reserves [host BDSM, + DSM) in the e820 it hands the firmware (QEMU's etc/e820) and
 * publishes the base as etc/igd-stolen-base; refused, with the reason, when that range is not guest
 * RAM below 4 GiB.
 */
export function setupIdentity(m: Machine, st: IgdMachineState): void {
  const base = st.igd.host.bdsm;
  const size = st.igd.stolenSize();
  const ramEnd = m.layout.below4g;
  if (size === 0) {
    st.identity = { refused: 'the GMCH announces no stolen memory (GMS 0): nothing to place' };
    return;
  }
  if (base < MiB || base + size > ramEnd) {
    st.identity = {
      refused: `host stolen range [${hex(base)}, ${hex(base + size)}) is not guest RAM: guest RAM below 4 GiB ends at ${hex(ramEnd)} (${m.spec.machine.type}, ${hex(m.spec.machine.memory)} of memory)`,
    };
    return;
  }
  const file = m.fwcfg.file('etc/e820');
  const entries = file === undefined ? [] : decodeE820(file);
  entries.push({ start: base, size, type: E820_RESERVED });
  m.fwcfg.addFile('etc/e820', encodeE820(entries));
  const le = le64(base);
  m.fwcfg.addFile(FWCFG_STOLEN_BASE, le);
  st.fwcfg.set(FWCFG_STOLEN_BASE, le);
  st.identity = { base, size };
}
