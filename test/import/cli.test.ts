import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

const fx = (n: string): string => fileURLToPath(new URL(`fixtures/${n}`, import.meta.url));

describe('vfio-sim import', () => {
  it('detects a Proxmox config and writes the commented YAML with -o', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vfio-import-')), 'vm.yaml');
    const r = await runCli('import', fx('pve-legacy-igd.conf'), '--qemu', '10.0', '-o', out);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toContain('  type: pc-i440fx-9.0\n  qemu: "10.0"');
    expect(yaml).toContain("# - -device ahci,id=ahci0,multifunction=on,bus=pci.0,addr=0x7: device model 'ahci' is not modelled\n");
    const v = await runCli('validate', out);
    expect([v.code, v.stdout]).toEqual([0, `${out}: ok\n`]);
  });

  it('takes the QEMU command line itself after --', async () => {
    const r = await runCli('import', '--qemu', '7.2', '--', 'qemu-system-x86_64', '-M', 'q35', '-nodefaults', '-device', 'virtio-rng-pci,addr=3');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('devices:\n  - model: virtio-rng-pci\n    addr: "03.0"\n');
  });

  it('puts the host section from host import in place of the placeholder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-import-'));
    writeFileSync(join(dir, 'host.yaml'), 'host:\n  igd:\n    generation: tgl\n    device-id: 0x9a49\n');
    const r = await runCli('import', fx('libvirt-q35-igd.xml'), '--host', join(dir, 'host.yaml'));
    expect(r.stdout).toContain('host:\n  igd:\n    generation: tgl\n    device-id: 0x9a49\ndevices:\n');
    expect(r.stdout).not.toContain('generation: skl');
  });

  it('bad input: FILE:LINE:COL and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-import-'));
    const f = join(dir, 'vm.xml');
    writeFileSync(f, '<domain>\n  <devices>\n</domain>\n');
    const r = await runCli('import', f);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `${f}:3:1: end tag </domain> does not match <devices>\n`]);
  });

  it('bad usage: an unknown --from or --qemu is a usage error', async () => {
    expect((await runCli('import', fx('pve-q35-ovmf.conf'), '--from', 'vmware')).stderr).toBe("vfio-sim: --from: expected qemu, proxmox, libvirt, got 'vmware'\n");
    const r = await runCli('import', fx('pve-q35-ovmf.conf'), '--qemu', '6.2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vfio-sim: --qemu: vfio-sim models QEMU 7\.2, .*10\.0.*, not '6\.2'\n$/);
  });

  it('a bad QEMU command line file: the error points at the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-import-'));
    const f = join(dir, 'vm.sh');
    writeFileSync(f, 'qemu-system-x86_64 \\\n  -machine q35 \\\n  -m 4X\n');
    const r = await runCli('import', f);
    expect([r.code, r.stderr]).toEqual([2, `${f}:3:6: -m 4X: not a memory size QEMU accepts\n`]);
  });
});
