/**
 * The workload format (README: Workloads): scripted display activity run after boot.
 * `validateWorkload` turns the YAML value into these shapes; `runWorkload` executes them.
 */
import type { WorkloadProblemBody } from './problems.js';

/** A path into the workload value, as the config loader locates it (`['steps', 3, 'fill', 'rect']`). */
export type WorkloadPath = readonly (string | number)[];

/** A QXL device: its qdev id (`gpu0`) or its bdf as the boot report writes it (`00:02.0`). */
export type DeviceRef = string;

/** A QXL surface: 0 is the primary, another number is the driver's surface id, a string a `create-surface` name. */
export type SurfaceRef = number | string;

/** QXLRect: exclusive right and bottom, in pixels. */
export interface WorkloadRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** What a drawing step draws on: a plugged monitor's framebuffer, or a QXL surface named directly. */
export type DrawTarget = { readonly monitor: string } | { readonly device: DeviceRef; readonly surface: SurfaceRef };

/** Where a monitor's framebuffer lives. */
export type MonitorFramebuffer =
  | { readonly kind: 'primary'; readonly device: DeviceRef; readonly width: number; readonly height: number }
  | { readonly kind: 'offscreen'; readonly device: DeviceRef; readonly width: number; readonly height: number }
  | { readonly kind: 'surface'; readonly device: DeviceRef; readonly surface: SurfaceRef }
  | { readonly kind: 'ram'; readonly base: number; readonly width: number; readonly height: number }
  /** The assigned IGD's framebuffer: guest memory at the page GTT entry 0 maps, as the vBIOS mode set left it. */
  | { readonly kind: 'igd'; readonly width: number; readonly height: number };

interface At {
  /** Where the step is in the workload, for events and errors. */
  readonly path: WorkloadPath;
}

export type WorkloadStep = At &
  (
    | { readonly kind: 'qxl-init'; readonly device: DeviceRef; readonly reset: boolean }
    | { readonly kind: 'create-primary'; readonly device: DeviceRef; readonly width: number; readonly height: number }
    | { readonly kind: 'destroy-primary'; readonly device: DeviceRef }
    | { readonly kind: 'create-surface'; readonly device: DeviceRef; readonly name: string; readonly width: number; readonly height: number }
    | { readonly kind: 'destroy-surface'; readonly device: DeviceRef; readonly surface: SurfaceRef }
    | { readonly kind: 'fill'; readonly target: DrawTarget; readonly rect?: WorkloadRect; readonly color: number }
    | { readonly kind: 'copy-image'; readonly target: DrawTarget; readonly rect: WorkloadRect; readonly color?: number }
    | { readonly kind: 'update-area'; readonly target: DrawTarget; readonly rect?: WorkloadRect }
    | { readonly kind: 'cpu-fill'; readonly monitor: string; readonly rect?: WorkloadRect; readonly color: number }
    | { readonly kind: 'flush-release'; readonly device: DeviceRef }
    | { readonly kind: 'plug-monitor'; readonly id: string; readonly fb: MonitorFramebuffer }
    | { readonly kind: 'unplug-monitor'; readonly id: string }
    | { readonly kind: 'poll' }
    | { readonly kind: 'repeat'; readonly times: number; readonly steps: readonly WorkloadStep[] }
  );

export type StepKind = WorkloadStep['kind'];

export interface Workload {
  readonly steps: readonly WorkloadStep[];
  /** Steps the run executes, repeats unrolled (validation refuses more than MAX_EXECUTED_STEPS). */
  readonly executedSteps: number;
}

/**
 * A validation error: where (the path, and whether the key or its value is at fault), what (`code` and `params`,
 * problems.ts) and its English (`message`, rendered from them).
 */
export type WorkloadError = WorkloadProblemBody & {
  readonly path: WorkloadPath;
  readonly message: string;
  readonly prefer?: 'key' | 'value';
};

export type WorkloadResult = { readonly ok: true; readonly workload: Workload } | { readonly ok: false; readonly errors: readonly WorkloadError[] };

/** A device the config declares, for checking `device:` references before the machine exists. */
export interface DeclaredDevice {
  readonly id: string;
  readonly model: string;
}

// ---- limits (ours: they keep a workload from exhausting the host, which a guest could not do either) ----
/** Widest and tallest surface or monitor (QEMU's qxl accepts xres/yres up to 16384 through its modes). */
export const MAX_DIMENSION = 16384;
/** Largest copy-image bitmap, in pixels (the image is staged in BAR0's command area, 4 bytes a pixel). */
export const MAX_IMAGE_PIXELS = 1 << 20;
/** Repeats inside repeats (validation may walk each level's body twice). */
export const MAX_REPEAT_NESTING = 8;
/** Steps one run may execute, repeats unrolled. */
export const MAX_EXECUTED_STEPS = 100_000;
/** Pixels all cpu-fill steps of one run may store (each is a CPU store the MMIO dispatcher routes). */
export const MAX_CPU_FILL_PIXELS = 1 << 26;
/** Events listed in a report section; the rest are counted. */
export const MAX_LISTED_EVENTS = 256;
