export const EXIT_OK = 0;
/** A boot failed (firmware panic) or, with --fail-on-fault, a fault or corruption happened. */
export const EXIT_FAILED = 1;
/** Bad usage or a bad config. */
export const EXIT_USAGE = 2;

/** A problem with how the command was called (not a config error, which carries a position). */
export class UsageError extends Error {}
