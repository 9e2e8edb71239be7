import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../vmm/frontends/config/index.js';

function modelError(model: string): string {
  const r = parseConfig(`machine: { type: q35, memory: 4G }\ndevices:\n  - model: ${model}\n`, 'm.yaml');
  if (r.ok) throw new Error('expected an error');
  return r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n');
}

describe('unknown model hints', () => {
  it('offers disk controllers, never a NIC, for a disk model vfio-sim does not have', () => {
    expect(modelError('virtio-blk-pci-non-transitional')).toBe(
      "3:12: unknown model 'virtio-blk-pci-non-transitional' (a storage device; storage models here: lsi53c895a, megasas, nvme, virtio-blk-pci, virtio-scsi-pci)",
    );
  });

  it('tells the class from a telling word when the name is in no table', () => {
    expect(modelError('virtio-blk')).toBe("3:12: unknown model 'virtio-blk' (a storage device; storage models here: lsi53c895a, megasas, nvme, virtio-blk-pci, virtio-scsi-pci)");
  });

  it('lists the display models for a GPU model vfio-sim does not have, not the nearest virtio name', () => {
    expect(modelError('virtio-gpu-rutabaga-pci')).toBe(
      "3:12: unknown model 'virtio-gpu-rutabaga-pci' (a display device; display models here: VGA, bochs-display, cirrus-vga, qxl, qxl-vga, vfio-igd, virtio-gpu-pci, virtio-vga)",
    );
  });

  it('says so when no model of that class exists', () => {
    expect(modelError('virtio-tablet-pci')).toBe("3:12: unknown model 'virtio-tablet-pci' (an input device; vfio-sim models no input device)");
  });

  it('keeps the plain typo hint when the nearest model is of the same class', () => {
    expect(modelError('virtio-net-pcii')).toBe("3:12: unknown model 'virtio-net-pcii' (did you mean 'virtio-net-pci'?)");
    expect(modelError('e1000x')).toBe("3:12: unknown model 'e1000x' (did you mean 'e1000'?)");
  });
});
