/** Builds dist/ when a source changed since the last build; returns tsc's exit status (0 when nothing to do). */
export function build(opts?: { force?: boolean; quiet?: boolean }): number;
/** True when dist/ was built after the newest source change. */
export function upToDate(): boolean;
