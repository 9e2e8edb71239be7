/**
 * Stage 4: the devices act once the firmware is done — IOMMU attach and the IGD's scan-out through its GTT,
 * then the config's workload (QXL driver scripts, monitors, dirty tracking). Nothing acts after a firmware panic
 * or when a QEMU quirk already killed the VM.
 */
import type { FirmwareResult } from '../../../firmware/index.js';
import type { Machine } from '../machine/machine.js';
import { qxlReportSection, runCheckedWorkload, type WorkloadRun } from '../../passthrough/workload/index.js';
import type { Prepared } from './prepare.js';

export interface Acted {
  /** The workload's report sections (qxl, dirty, workload), or none when nothing ran. */
  readonly workload: WorkloadRun['sections'] | undefined;
  /** Whether the IOMMU domain existed before the workload ran (a device DMA'd during scan-out). */
  readonly iommuBeforeWorkload: boolean;
}

export function devicesAct(machine: Machine, firmware: FirmwareResult, prepared: Prepared): Acted {
  const { passthrough } = prepared;
  if (firmware.panic !== null) return { workload: undefined, iommuBeforeWorkload: machine.dma.isBuilt };
  passthrough.afterFirmware();
  const iommuBeforeWorkload = machine.dma.isBuilt;
  if (passthrough.fatal !== null) return { workload: undefined, iommuBeforeWorkload };
  const workload = machine.spec.workload;
  if (workload === undefined) {
    // runCheckedWorkload's sections without a workload: only the QXL devices' events, if there are QXL devices (an
    // empty section list merges nothing into the report). No run result, dirty list or empty object per boot.
    const qxl = qxlReportSection(machine);
    return { workload: qxl.length > 0 ? { qxl } : undefined, iommuBeforeWorkload };
  }
  return { workload: runCheckedWorkload(machine, workload).sections, iommuBeforeWorkload };
}
