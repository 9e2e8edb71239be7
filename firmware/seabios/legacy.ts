import { PORT_LPT, PORT_SERIAL, QEMU_CFG_MAX_CPUS, QEMU_CFG_NB_CPUS, SEROFF_IER, SEROFF_IIR } from './constants.js';
import type { PostState } from './state.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_FOUND_CPU_S_MAX_SUPPORTED = seabiosFormat('Found %d cpu(s) max supported %d cpu(s)\n');
const F_FOUND_LPT_PORTS = seabiosFormat('Found %d lpt ports\n');
const F_FOUND_SERIAL_PORTS = seabiosFormat('Found %d serial ports\n');

/**
 * smp_setup's summary line. The BSP plus the APs QEMU reports (fw_cfg NB_CPUS; CMOS is not
 * modelled), and MaxCountCPUs from fw_cfg MAX_CPUS when set.
 */
export function smpSetup(s: PostState): void {
  const present = Math.max(1, s.fwcfg.readItem(QEMU_CFG_NB_CPUS, 2));
  const max = s.fwcfg.readItem(QEMU_CFG_MAX_CPUS, 2);
  s.debug.printf(F_FOUND_CPU_S_MAX_SUPPORTED, present, Math.max(present, max));
}

/** detect_parport: a port that reads back 0xaa is present. */
function detectParport(s: PostState, port: number): number {
  s.io.outb(port + 2, s.io.inb(port + 2) & 0xdf);
  s.io.outb(port, 0xaa);
  return s.io.inb(port) === 0xaa ? 1 : 0;
}

/** detect_serial: IER keeps 0x02 and IIR's top nibble is clear. */
function detectSerial(s: PostState, port: number): number {
  s.io.outb(port + SEROFF_IER, 0x02);
  if (s.io.inb(port + SEROFF_IER) !== 0x02) return 0;
  if ((s.io.inb(port + SEROFF_IIR) & 0xf0) !== 0) return 0;
  s.io.outb(port + SEROFF_IER, 0x00);
  return 1;
}

/** lpt_setup and serial_setup (src/hw/serialio.c): probe the ISA ports and say how many answered. */
export function legacyPortsSetup(s: PostState): { lpt: number; serial: number } {
  let lpt = 0;
  for (const p of PORT_LPT) lpt += detectParport(s, p);
  s.debug.printf(F_FOUND_LPT_PORTS, lpt);
  let serial = 0;
  for (const p of PORT_SERIAL) serial += detectSerial(s, p);
  s.debug.printf(F_FOUND_SERIAL_PORTS, serial);
  return { lpt, serial };
}
