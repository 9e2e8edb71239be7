#!/usr/bin/env python3
"""Replays a QXL replay script (the `vfio-sim qxl-replay` format) against real QEMU + spice-server and records
what the device shows after each step, in the same shape `vfio-sim qxl-replay --json` prints.

  python3 scripts/record-qxl.py SCRIPT.json [OUT.json]

How (Debian 12: qemu-system-x86 1:7.2, spice-server 0.15.1; no qtest accelerator in that build):
  * TCG guest with SeaBIOS booting a one-sector disk whose MBR is `cli; hlt` in a loop (the CPU never touches
    the device afterwards).
  * QMP `stop`: RUN_STATE_PAUSED. QEMU's ui/spice-core.c vm_change_state_handler stops the spice display only
    for states other than PAUSED, so spice's worker keeps draining the rings and qxl_send_events still works.
  * gdbstub (attach keeps PAUSED) in physical-memory mode (`Qqemu.PhyMemMode:1`) writes guest memory and BARs.
  * HMP `o`/`i` for IO ports and PCI config (0xcf8/0xcfc), HMP `xp` to read back.
  * `-trace qxl_io_write,qxl_io_unexpected_vga_mode` tells how ioport_write took each port write;
    guestdebug=1 makes qxl_set_guest_bug print its message on stderr.
Before `init` the BARs are moved to the script's addresses and QXL_IO_RESET is written (firmware leftovers
gone); `vfio-sim qxl-replay` does the same.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

QEMU = os.environ.get('QEMU', 'qemu-system-x86_64')
PCI_DEV = 2  # -device ...,addr=2 on bus 0
SETTLE = 0.25  # seconds for spice's worker after a step (it drains rings asynchronously)


def cfg_addr(reg):
    return 0x80000000 | (PCI_DEV << 11) | reg


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        for _ in range(100):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        self.f = self.s.makefile('rw')
        self.f.readline()
        self.cmd('qmp_capabilities')

    def cmd(self, name, **args):
        self.f.write(json.dumps({'execute': name, 'arguments': args}) + '\n')
        self.f.flush()
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError('QMP closed')
            r = json.loads(line)
            if 'return' in r or 'error' in r:
                return r

    def hmp(self, line):
        r = self.cmd('human-monitor-command', **{'command-line': line})
        if 'error' in r or 'Try "help' in r['return'] or 'Cannot access' in r['return']:
            raise RuntimeError(f'HMP {line}: {r}')
        return r['return']


class Gdb:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port))
        self.buf = b''
        self.packet('Qqemu.PhyMemMode:1')

    def _read_reply(self):
        while True:
            m = re.search(rb'\$([^#]*)#..', self.buf)
            if m:
                self.buf = self.buf[m.end():]
                self.s.sendall(b'+')
                return m.group(1).decode()
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError('gdbstub closed')
            self.buf += chunk

    def packet(self, data):
        csum = sum(data.encode()) & 0xff
        self.s.sendall(f'${data}#{csum:02x}'.encode())
        return self._read_reply()

    def write(self, gpa, data):
        for i in range(0, len(data), 512):
            part = data[i:i + 512]
            r = self.packet(f'M{gpa + i:x},{len(part):x}:{part.hex()}')
            if r != 'OK':
                raise RuntimeError(f'gdb write at 0x{gpa + i:x}: {r}')


def xp_words(qmp, gpa, n):
    out = qmp.hmp(f'xp /{n}wx 0x{gpa:x}')
    return [int(v, 16) for line in out.splitlines() if ':' in line for v in re.findall(r' 0x([0-9a-f]+)', line.split(':', 1)[1])]


def xp_bytes(qmp, gpa, n):
    out = qmp.hmp(f'xp /{n}bx 0x{gpa:x}')
    return bytes(int(v, 16) for line in out.splitlines() if ':' in line for v in re.findall(r' 0x([0-9a-f]+)', line.split(':', 1)[1]))


def prop_args(props):
    return ''.join(f',{k}={v}' for k, v in props.items())


class Recorder:
    def __init__(self, script, tmp):
        self.script = script
        self.tmp = tmp
        self.bars = {int(k): int(v) for k, v in script['bars'].items()}
        mbr = bytearray(512)
        mbr[0:4] = bytes([0xfa, 0xf4, 0xeb, 0xfd])  # cli; hlt; jmp back to hlt
        mbr[510:512] = b'\x55\xaa'
        disk = os.path.join(tmp, 'mbr.img')
        with open(disk, 'wb') as f:
            f.write(mbr)
        self.qmp_path = os.path.join(tmp, 'qmp.sock')
        self.trace_path = os.path.join(tmp, 'trace.log')
        self.err_path = os.path.join(tmp, 'stderr.log')
        gdb_sock = socket.socket()
        gdb_sock.bind(('127.0.0.1', 0))
        self.gdb_port = gdb_sock.getsockname()[1]
        gdb_sock.close()
        props = dict(script.get('props', {}))
        props['guestdebug'] = 1
        args = [QEMU, '-machine', 'pc', '-accel', 'tcg', '-m', '64', '-nodefaults', '-display', 'none',
                '-spice', f'unix=on,addr={os.path.join(tmp, "spice.sock")},disable-ticketing=on',
                '-device', f'{script["model"]},id=qxl0,addr={PCI_DEV}{prop_args(props)}',
                '-drive', f'file={disk},format=raw,if=ide',
                '-qmp', f'unix:{self.qmp_path},server=on,wait=off', '-gdb', f'tcp:127.0.0.1:{self.gdb_port}',
                '-trace', 'qxl_io_write', '-trace', 'qxl_io_unexpected_vga_mode', '-D', self.trace_path]
        self.err = open(self.err_path, 'w')
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.err)
        self.err_seen = 0
        self.trace_seen = 0

    def boot(self):
        self.qmp = Qmp(self.qmp_path)
        deadline = time.time() + 30
        while time.time() < deadline:  # SeaBIOS boots the MBR; then the CPU sits in hlt at 0x7c01
            regs = self.qmp.hmp('info registers')
            m = re.search(r'EIP=([0-9a-f]+)', regs)
            if m and 0x7c00 <= int(m.group(1), 16) < 0x7c04:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError('guest did not reach the halting MBR')
        self.qmp.cmd('stop')
        self.gdb = Gdb(self.gdb_port)
        self.cfg_write(0x04, 2, 0)  # decode off while moving BARs
        for i, addr in sorted(self.bars.items()):
            self.cfg_write(0x10 + 4 * i, 4, addr | (1 if i == 3 else 0))
        self.cfg_write(0x04, 2, 0x7)  # IO | MEM | MASTER
        # the RAM header's place as the device publishes it (QXLRom.ram_header_offset)
        self.hdr = self.bars[0] + xp_words(self.qmp, self.bars[2] + 44, 1)[0]
        self.qmp.hmp(f'o /b 0x{self.bars[3] + 5:x} 0')  # QXL_IO_RESET
        time.sleep(SETTLE)
        self.new_lines()

    def cfg_write(self, reg, size, val):
        self.qmp.hmp(f'o /w 0xcf8 0x{cfg_addr(reg & ~3):x}')
        suffix = {1: 'b', 2: 'h', 4: 'w'}[size]  # HMP sizes: b, h (16), w (32)
        self.qmp.hmp(f'o /{suffix} 0x{0xcfc + (reg & 3):x} 0x{val:x}')

    def cfg_read16(self, reg):
        self.qmp.hmp(f'o /w 0xcf8 0x{cfg_addr(reg & ~3):x}')
        dword = int(re.search(r'= 0x([0-9a-f]+)', self.qmp.hmp('i /w 0xcfc')).group(1), 16)
        return (dword >> (8 * (reg & 3))) & 0xffff

    def new_lines(self):
        with open(self.err_path, errors='replace') as f:
            f.seek(self.err_seen)
            err = f.read()
            self.err_seen = f.tell()
        with open(self.trace_path, errors='replace') as f:
            f.seek(self.trace_seen)
            trace = f.read()
            self.trace_seen = f.tell()
        return err.splitlines(), trace.splitlines()

    def alive(self):
        return self.proc.poll() is None

    def run_op(self, op, io, errs):
        kind = op['op']
        if kind == 'write':
            self.gdb.write(op['gpa'], bytes.fromhex(op['hex']))
        elif kind == 'out':
            self.qmp.hmp(f'o /b 0x{self.bars[3] + op["port"]:x} 0x{op["val"]:x}')
            time.sleep(0.05)
            err, trace = self.new_lines()
            errs.extend(err)
            how = 'refused'
            for line in trace:
                m = re.search(r'qxl_io_write \d+ (\w+) addr=', line)
                if m:
                    how = f'handled:{m.group(1)}'
                elif 'qxl_io_unexpected_vga_mode' in line:
                    how = 'ignored-vga'
            io.append(how)
        elif kind == 'vga-out':
            self.qmp.hmp(f'o /b 0x{op["port"]:x} 0x{op["val"]:x}')
        elif kind == 'push':
            ring = self.hdr + (4108 if op['ring'] == 'cmd' else 4640)
            num, prod = xp_words(self.qmp, ring, 2)
            item = ring + 20 + 16 * (prod & (num - 1))
            self.gdb.write(item, (op['lo'] | (op['hi'] << 32)).to_bytes(8, 'little') +
                           op['type'].to_bytes(4, 'little') + bytes(4))
            self.gdb.write(ring + 4, ((prod + 1) & 0xffffffff).to_bytes(4, 'little'))
        else:
            raise ValueError(f'unknown op {kind}')

    def snapshot(self, label, io, errs):
        if not self.alive():
            return self.dead(label, io, errs)
        h = self.hdr
        ring = lambda off: xp_words(self.qmp, h + off, 5)
        rel = xp_words(self.qmp, h + 5172 + 20, 16)
        rom = xp_words(self.qmp, self.bars[2] + 8, 4)
        status = self.cfg_read16(0x06)
        watch = {w['name']: xp_bytes(self.qmp, w['gpa'], w['len']).hex() for w in self.script.get('watch', [])}
        return {
            'label': label, 'status': 'running',
            'int_pending': xp_words(self.qmp, h + 4, 1)[0], 'int_mask': f'0x{xp_words(self.qmp, h + 8, 1)[0]:x}',
            'irq_level': 1 if status & 0x08 else 0,
            'cmd_ring': ring(4108), 'cursor_ring': ring(4640), 'release_ring': ring(5172),
            'release_items': [f'0x{rel[2 * i] | (rel[2 * i + 1] << 32):x}' for i in range(8)],
            'rom_mode': rom[3], 'rom_update_id': rom[0],
            'guest_bugs': [l.split('guest bug: ', 1)[1].strip() for l in errs if 'guest bug: ' in l],
            'io': io, 'watch': watch, 'stderr': [l for l in errs if l.strip()],
        }

    def dead(self, label, io, errs):
        rc = self.proc.wait()
        err, _ = self.new_lines()
        errs = errs + err
        sig = -rc if rc < 0 else None
        return {'label': label, 'status': 'dead', 'io': io,
                'exit': {'signal': signal.Signals(sig).name if sig else None, 'code': 128 + sig if sig else rc},
                'guest_bugs': [l.split('guest bug: ', 1)[1].strip() for l in errs if 'guest bug: ' in l],
                'stderr': [l for l in errs if l.strip()]}

    def run(self):
        self.boot()
        steps = []
        all_steps = [{'label': 'init', 'ops': self.script.get('init', [])}] + self.script['steps']
        for step in all_steps:
            io, errs = [], []
            try:
                for op in step['ops']:
                    if not self.alive():
                        break
                    self.run_op(op, io, errs)
                time.sleep(SETTLE)
                err, _ = self.new_lines()
                errs.extend(err)
                snap = self.snapshot(step['label'], io, errs)
            except (EOFError, OSError, RuntimeError):
                try:  # the monitor went away: QEMU is dying (abort() in spice's worker thread)
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    raise
                snap = self.dead(step['label'], io, errs)
            steps.append(snap)
            if snap['status'] == 'dead':
                break
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        return steps


def main():
    if len(sys.argv) < 2:
        print('usage: record-qxl.py SCRIPT.json [OUT.json]', file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        script = json.load(f)
    version = subprocess.run([QEMU, '--version'], capture_output=True, text=True).stdout.splitlines()[0]
    with tempfile.TemporaryDirectory() as tmp:
        steps = Recorder(script, tmp).run()
    rec = {'recorded_with': version, 'script': os.path.basename(sys.argv[1]), 'steps': steps}
    text = json.dumps(rec, indent=1) + '\n'
    if len(sys.argv) > 2:
        with open(sys.argv[2], 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == '__main__':
    main()
