import type { PropDef, Props } from '../registry.js';

/**
 * Readers for device props. The config loader normalizes values by PropDef type (size and integer
 * props arrive as numbers, booleans as booleans); the readers also accept QEMU's on/off spellings so
 * a spec built by hand in a test behaves the same.
 */
export function propBool(props: Props, name: string, dflt: boolean): boolean {
  const v = props[name];
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return ['on', 'true', 'yes'].includes(v.toLowerCase());
}

export function propNum(props: Props, name: string, dflt: number): number {
  const v = props[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(v)) return Number(v);
  return dflt;
}

export function propStr(props: Props, name: string): string | undefined {
  const v = props[name];
  return v === undefined ? undefined : String(v);
}

/** QEMU OnOffAuto props (disable-legacy, msi): 'on' | 'off' | 'auto'. */
export function propOnOffAuto(props: Props, name: string): 'on' | 'off' | 'auto' {
  const v = props[name];
  if (v === undefined) return 'auto';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  const s = String(v).toLowerCase();
  if (s === 'on' || s === 'true' || s === 'yes') return 'on';
  if (s === 'off' || s === 'false' || s === 'no') return 'off';
  return 'auto';
}

/** True when the prop was given at all (QEMU's "all ones = unset" reserve props). */
export function propSet(props: Props, name: string): boolean {
  return props[name] !== undefined;
}

/** Smallest power of two >= n (QEMU pow2ceil); 0 stays 0. */
export function pow2ceil(n: number): number {
  if (n <= 1) return n;
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function isPow2(n: number): boolean {
  return n > 0 && pow2ceil(n) === n;
}

// ---- PropDef builders: one line per QEMU property in the model tables ----
export const int = (min: number, max: number, description?: string): PropDef => ({
  type: 'integer', min, max, ...(description !== undefined ? { description } : {}),
});
export const bool = (description?: string): PropDef => ({ type: 'boolean', ...(description !== undefined ? { description } : {}) });
export const size = (description?: string): PropDef => ({ type: 'size', ...(description !== undefined ? { description } : {}) });
export const str = (description?: string): PropDef => ({ type: 'string', ...(description !== undefined ? { description } : {}) });
export const onOffAuto = (description?: string): PropDef => ({
  type: 'enum', values: ['on', 'off', 'auto'], ...(description !== undefined ? { description } : {}),
});

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;
export { U8, U16, U32 };

/** Props every PCI device has in QEMU 7.2 (hw/pci/pci.c pci_props); `addr` is the config's own key. */
export const PCI_COMMON_PROPS: Readonly<Record<string, PropDef>> = {
  rombar: int(0, U32, 'ROM BAR: 0 removes it (QEMU passes the ROM through fw_cfg instead)'),
  romfile: str("option ROM file; '' removes the ROM BAR"),
  multifunction: bool('set the multifunction bit (needed on function 0 for functions 1..7 to be seen)'),
  'x-pcie-lnksta-dllla': bool(),
  'x-pcie-extcap-init': bool(),
  failover_pair_id: str(),
  acpi_index: int(0, U32),
};

/** NIC props shared by e1000, e1000e, rtl8139 and virtio-net-pci (QEMU DEFINE_NIC_PROPERTIES, bootindex). */
export const NIC_PROPS: Readonly<Record<string, PropDef>> = {
  mac: { type: 'string', description: 'MAC address, 52:54:00:xx:xx:xx' },
  netdev: str('backend id'),
  bootindex: int(-1, 0x7fff_ffff),
};
