/**
 * Where a running stack's services log, by name, for `kaspi-harness logs`: natively every `*.log`
 * its processes write in the run directory (MariaDB's, PostgreSQL's, PHP's) and the Bitrix logs in
 * the document root; in the docker stack each container's output, plus the same Bitrix logs on the
 * host. The simulators keep journals rather than logs: their dashboards and control APIs show them.
 */
import { basename, dirname } from 'node:path';
import { logFilesUnder } from '../platform/keep-logs.ts';
import type { StackInfo } from './stack.ts';
import type { ServiceLog } from './up-state.ts';

/** A log's name as people know the file: `postgres`, `bitrix-php`, `kaspi_payment_service`. */
function named(files: readonly string[]): ServiceLog[] {
  const logs: ServiceLog[] = [];
  for (const file of new Set(files)) {
    let service = basename(file, '.log');
    // Two files of one name (php.log twice, say): the second is told apart by its folder.
    if (logs.some((log) => log.service === service)) service = `${basename(dirname(file))}-${service}`;
    logs.push({ service, file });
  }
  return logs;
}

export async function serviceLogs(info: StackInfo): Promise<ServiceLog[]> {
  const bitrixLogs = Object.values(info.bitrix.logFiles);
  if (!info.docker) return named([...logFilesUnder(info.runDir), ...bitrixLogs]);
  const { composeCommand } = await import('./docker/runtime.ts');
  const { services } = await import('./docker/run-files.ts');
  const compose = await composeCommand();
  const project = info.docker.project;
  return [
    ...services.map((service) => ({ service, container: compose.containerName(project, service) })),
    ...named(bitrixLogs),
  ];
}
