export { startBitrix, bitrixPhpEnv, type BitrixStub, type StartBitrixOptions } from './server.ts';
export { clearBitrixCache } from './cache.ts';
export { seedBitrix, kaspiModuleId, type SeedOptions, type SeedResult } from './seed.ts';
export { runRunbookChecks, type RunbookCheck } from './runbook.ts';
export { referenceClassesDir } from './layout.ts';
