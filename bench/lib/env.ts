// Imported first by every benchmark entry point: services/log.ts reads LOG_LEVEL when it is loaded,
// and per-turn logging would be measured along with the bot.
process.env.LOG_LEVEL ??= 'silent';
export {};
