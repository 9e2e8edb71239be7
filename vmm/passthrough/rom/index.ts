/** Public API of option-ROM programs. */
export { parseExpr, compileExpr, RomFault, type Expr, type ExprFn } from './expr.js';
export { compileRom, truncate, type CompiledRom, type RomBus, type RomStopSignal } from './compile.js';
export { parseRomProgram, loadRomProgramFile, type RomLoadResult } from './load.js';
export { runRomProgram, romBusOf, cpuRomBus, type RomInvocation, type RomRunOptions, type RomRunResult } from './run.js';
export { resolveRomProgram, RomProgramCache } from './resolve.js';
export { romHook, DEFAULT_VBIOS, type RomHook, type RomHookOptions, type RomRun } from './hook.js';
export { BUNDLED_ROMS, VBIOS_NAMES } from './bundled.js';
export { ROM_BUILTINS, type RomProgram, type RomStep, type Width } from './program.js';
export { romRefProblems, type RomRefs } from './check.js';
