export { prepareIgdMachine, finishIgdMachine, IGD_EVENT_SOURCE, type FirmwareWindows } from './prepare.js';
export { igdReport, type IgdReport, type FakeBarReport } from './report.js';
export { igdHazards, type IgdHazard } from './hazards.js';
export { igdState, type IgdMachineState, type FakeBar } from './state.js';
export { DUMMY_MODEL, DUMMY_IDS, FAKE_STOLEN_LABEL } from './fake-bars.js';
export { OPREGION_MMIO_NAME } from './zero-gms.js';
export { compareStrategies, strategyColumn, e820Diff, type BootFn, type StrategyColumn, type StrategyComparison, type E820Change } from './compare.js';
export { renderComparison, comparisonJson, humanSize } from './compare-render.js';
export { guestView, type GuestMessage, type GuestDriver } from './guest-view.js';
