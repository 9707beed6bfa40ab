/**
 * Run once at image build time: imports every module the containers start with, so tsx's transform
 * cache (in the image's temp dir) is filled and containers start without compiling TypeScript first.
 * Importing starts nothing: service-entry.ts is the only module with effects, and it is not imported.
 */
await import('../../simulator/kaspi/server.ts');
await import('../../simulator/payment-service/server.ts');
await import('./bitrix-init.ts');
await import('./forward.ts');
await import('./sandbox-service.ts');
console.log('tsx transform cache warmed');
