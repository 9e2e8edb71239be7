import type { ModelDef } from '../registry.js';
import { tableModel } from './build.js';
import { ENDPOINTS } from './facts.js';
import { bool, int, isPow2, NIC_PROPS, onOffAuto, propNum, size, str, U16, U32 } from './props.js';

const facts = (name: string): (typeof ENDPOINTS)[string] => {
  const f = ENDPOINTS[name];
  if (f === undefined) throw new Error(`bug: no facts for ${name}`);
  return f;
};

/** The catalogue's fixed-layout endpoints (facts.ts ENDPOINTS); props as QEMU 7.2 names them. */
export function endpointModels(): ModelDef[] {
  return [
    tableModel('e1000', facts('e1000'), {
      ...NIC_PROPS,
      autonegotiation: bool(),
      mitigation: bool(),
      extra_mac_registers: bool(),
      migrate_tso_props: bool(),
      'init-vet': bool(),
    }),
    tableModel(
      'e1000e',
      facts('e1000e'),
      {
        ...NIC_PROPS,
        disable_vnet_hdr: int(0, 1),
        subsys_ven: int(0, U16, 'subsystem vendor ID (default 0x8086)'),
        subsys: int(0, U16, 'subsystem ID (default 0)'),
        'init-vet': bool(),
        'migrate-timadj': bool(),
      },
      (fn, p) => {
        // e1000e_pci_realize writes the subsys_ven/subsys props into the header.
        fn.set16(0x2c, propNum(p, 'subsys_ven', 0x8086));
        fn.set16(0x2e, propNum(p, 'subsys', 0));
      },
    ),
    tableModel('rtl8139', facts('rtl8139'), { ...NIC_PROPS }),
    tableModel('edu', facts('edu'), { dma_mask: int(0, Number.MAX_SAFE_INTEGER) }),
    tableModel(
      'pci-testdev',
      facts('pci-testdev'),
      { membar: size('size of the 64-bit prefetchable BAR2 (a power of two); 0 = none') },
      (fn, p) => {
        // hw/misc/pci-testdev.c: BAR2 is a 64-bit prefetchable RAM region of `membar` bytes.
        const membar = propNum(p, 'membar', 0);
        if (membar > 0) fn.defineBar(2, { size: membar, space: 'mem', is64: true, prefetch: true });
      },
      (p) => {
        const membar = propNum(p, 'membar', 0);
        // QEMU aborts in pci_register_bar's is_power_of_2(size) assertion (docs/firmware-seabios.md §13.3).
        return membar > 0 && !isPow2(membar) ? [{ prop: 'membar', message: `membar must be a power of two (got ${membar} bytes)` }] : [];
      },
    ),
    tableModel('ich9-intel-hda', facts('ich9-intel-hda'), { msi: onOffAuto(), old_msi_addr: bool(), debug: int(0, U32) }),
    tableModel('qemu-xhci', facts('qemu-xhci'), {
      p2: int(1, 15, 'USB 2 ports'),
      p3: int(1, 15, 'USB 3 ports'),
      msi: onOffAuto(),
      msix: onOffAuto(),
      streams: bool(),
      intrs: int(1, 16),
      slots: int(1, 64),
    }),
    tableModel('usb-ehci', facts('usb-ehci'), { maxframes: int(8, 1024) }),
    tableModel('lsi53c895a', facts('lsi53c895a'), {}),
    tableModel(
      'nvme',
      facts('nvme'),
      { serial: str('controller serial (QEMU requires it)'), drive: str('block backend id'), max_ioqpairs: int(1, 65534), msix_qsize: int(1, 2048), cmb_size_mb: int(0, U32) },
      undefined,
      // hw/nvme/ctrl.c nvme_check_params: "serial property not set".
      (p) => (typeof p['serial'] === 'string' ? [] : [{ message: 'nvme: serial property not set (QEMU requires props.serial)' }]),
    ),
    tableModel('vmxnet3', facts('vmxnet3'), { ...NIC_PROPS, 'x-old-msi-offsets': bool(), 'x-disable-pcie': bool() }),
    tableModel('cirrus-vga', facts('cirrus-vga'), { vgamem_mb: int(1, 16), 'blitter': bool(), 'global-vmstate': bool() }),
    tableModel('megasas', facts('megasas'), {
      max_sge: int(1, 128),
      max_cmds: int(1, 1007),
      sas_address: int(0, Number.MAX_SAFE_INTEGER),
      hba_serial: str(),
      msi: onOffAuto(),
      msix: onOffAuto(),
      use_jbod: bool(),
    }),
  ];
}
