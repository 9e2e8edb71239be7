export { resolveProfile, profileReport, type MachineProfile, type ProfileOverrides, type ProfileReport } from './profile.js';
export { QEMU_VERSIONS, DEFAULT_QEMU, isQemuVersion, compareVersions, type QemuVersion } from '../../../devices/qemu-version.js';
export { QEMU_RELEASES, parseMachineTypeName, type QemuRelease } from './qemu.js';
export { DEFAULT_CPU, cpuidOf, type CpuProfile, type CpuVendor } from './cpu.js';
export { profileHazards, type ProfileHazard } from './hazards.js';
export { compareProfiles, parseProfileList, renderProfileComparison, type ProfileChoice, type ProfileComparison, type ProfileChange, type ProfileColumn } from './compare.js';
