/**
 * Runbook checks: the deployment guide's snippets run against the stub as an operator would paste
 * them, each reported with what worked and what did not (and why) instead of assuming the guide is
 * right. Shell snippets run in the stub's layout (so /home/bitrix/... resolves in the production
 * layout) with the stub's PHP settings; SQL goes through the `mysql` client as the guide's
 * `mysql -u usercvety -p dbcvety -e "..."` does (the password from MYSQL_PWD instead of the prompt).
 *
 * Run them between scenarios, not during one: the rollback check briefly replaces ApiClient.php, and
 * the step 6 check clears the Bitrix cache. Everything it changes is restored.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mysql2, { type RowDataPacket } from 'mysql2/promise';
import {
  rollbackRestore,
  step2Backup,
  step6Corrected,
  step6Insert,
  step6Verify,
  step7SmokeTest,
} from './runbook-snippets.ts';
import type { BitrixStub } from './server.ts';

export interface RunbookCheck {
  step: string;
  snippet: string;
  /** Did the snippet do what the guide says it does? */
  ok: boolean;
  output: string;
  /** Why it failed, or what an operator should know even though it worked. */
  reason?: string;
}

/**
 * What the checks need of the site: the native stub (simulator/bitrix/server.ts), or the docker
 * stack's bitrix container (stack/docker/bitrix-exec.ts). `database` must be reachable from both
 * the harness and the site's commands at the same host and port.
 */
export type RunbookStub = Pick<
  BitrixStub,
  'runCommand' | 'runCli' | 'database' | 'documentRoot' | 'clearCache' | 'layout'
>;

/**
 * What each snippet does on a real Bitrix, and so must do on any stack (the guide as written,
 * 2025-11-03): scenarios/runbook.test.ts and the docker stack's test hold the checks to it.
 */
export const guideOutcomes: readonly { step: string; works: boolean; because: string }[] = [
  {
    step: 'step 6: store payment_service_url (guide SQL)',
    works: false,
    because: 'b_option has NAME / VALUE columns, not OPTION_NAME / OPTION_VALUE',
  },
  { step: 'step 6: verify (guide SQL)', works: false, because: 'the same wrong column names' },
  { step: 'step 6: corrected statement (NAME / VALUE)', works: true, because: 'the real columns' },
  {
    step: 'step 7: PHP smoke test',
    works: true,
    because: '121038 → 920317450731 through the payment-service',
  },
  { step: 'step 2: back up ApiClient.php', works: true, because: 'a plain cp' },
  { step: 'rollback: restore the backup and verify', works: true, because: 'one backup: cp restores it' },
  {
    step: 'rollback after a second deployment (two backups)',
    works: false,
    because: 'the glob names several backups and cp refuses',
  },
];

/** The guide's `mysql -u usercvety -p dbcvety -e "…"`, on the site (where its client is), the password from MYSQL_PWD. */
async function mysql(stub: RunbookStub, sql: string): Promise<{ ok: boolean; output: string }> {
  const { host, port, user, password, name } = stub.database;
  const result = await stub.runCommand(
    'mysql',
    ['-h', host, '-P', String(port), '-u', user, name, '-e', sql],
    {
      env: { MYSQL_PWD: password },
    },
  );
  return { ok: result.code === 0, output: (result.stdout + result.stderr).trim() };
}

async function optionSeenByPhp(stub: RunbookStub): Promise<string> {
  const result = await stub.runCli([
    '-r',
    `$_SERVER['DOCUMENT_ROOT'] = getenv('DOCUMENT_ROOT'); require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
     echo \\Bitrix\\Main\\Config\\Option::get('onelab.kaspipay', 'payment_service_url');`,
  ]);
  return result.stdout.trim();
}

/** The stored row (or its absence), to put back after the checks. */
async function storedOption(stub: RunbookStub): Promise<() => Promise<void>> {
  const { host, port, user, password, name } = stub.database;
  const connection = await mysql2.createConnection({ host, port, user, password, database: name });
  const where = "MODULE_ID = 'onelab.kaspipay' AND NAME = 'payment_service_url'";
  try {
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT VALUE FROM b_option WHERE ${where}`);
    const value = rows[0]?.VALUE as string | undefined;
    return async () => {
      const restore = await mysql2.createConnection({ host, port, user, password, database: name });
      try {
        if (value === undefined) await restore.query(`DELETE FROM b_option WHERE ${where}`);
        else await restore.query(`UPDATE b_option SET VALUE = ? WHERE ${where}`, [value]);
      } finally {
        await restore.end();
      }
    };
  } finally {
    await connection.end();
  }
}

async function checkStep6(stub: RunbookStub): Promise<RunbookCheck[]> {
  const putBack = await storedOption(stub);
  await optionSeenByPhp(stub); // warms the managed cache, as a live site has it
  const insert = await mysql(stub, step6Insert);
  const verify = await mysql(stub, step6Verify);
  const corrected = await mysql(stub, step6Corrected);
  const seenAfter = await optionSeenByPhp(stub);
  await stub.clearCache();
  const seenAfterClear = await optionSeenByPhp(stub);
  // Put the run's own value back, so the checks leave the stub as they found it.
  await putBack();
  await stub.clearCache();
  const unknownColumn = (output: string) => /Unknown column 'OPTION_(NAME|VALUE)'/.test(output);
  return [
    {
      step: 'step 6: store payment_service_url (guide SQL)',
      snippet: step6Insert.trim(),
      ok: insert.ok,
      output: insert.output,
      reason: insert.ok
        ? undefined
        : unknownColumn(insert.output)
          ? 'b_option has no OPTION_NAME / OPTION_VALUE columns (they are NAME and VALUE): the statement fails and nothing is stored'
          : 'the statement failed',
    },
    {
      step: 'step 6: verify (guide SQL)',
      snippet: step6Verify.trim(),
      ok: verify.ok,
      output: verify.output,
      reason: verify.ok ? undefined : 'same wrong column names: the verification cannot run either',
    },
    {
      step: 'step 6: corrected statement (NAME / VALUE)',
      snippet: step6Corrected.trim(),
      ok: corrected.ok && seenAfterClear === 'https://payment-service.up.railway.app/api',
      output: `${corrected.output}\nOption::get before the cache is cleared: ${seenAfter}\nafter clearing the cache: ${seenAfterClear}`,
      reason:
        seenAfter !== seenAfterClear
          ? 'works, but the site keeps the cached value (managed cache, TTL 3600 s) until the Bitrix cache is cleared; the guide does not say so'
          : undefined,
    },
  ];
}

async function checkStep7(stub: RunbookStub): Promise<RunbookCheck> {
  const result = await stub.runCommand('bash', ['-c', step7SmokeTest]);
  const output = (result.stdout + result.stderr).trim();
  const ok =
    result.code === 0 &&
    output.includes('PaymentServiceClient works') &&
    output.includes('ApiClient initialized');
  let reason: string | undefined;
  if (!ok) {
    reason =
      stub.layout.kind === 'relocatable' && /Failed opening required|No such file/.test(output)
        ? `the absolute path /home/bitrix/www does not exist here: ${stub.layout.note ?? 'relocatable layout'}`
        : `exit ${result.code}`;
  } else if (output.includes('\\n')) {
    reason =
      "works; its messages print a literal '\\n' (single-quoted PHP strings), so the lines run together";
  }
  return { step: 'step 7: PHP smoke test', snippet: step7SmokeTest, ok, output, reason };
}

async function checkRollback(stub: RunbookStub): Promise<RunbookCheck[]> {
  const kaspiDir = join(stub.documentRoot, 'local/classes/Integration/Kaspi');
  const apiClient = join(kaspiDir, 'ApiClient.php');
  const original = await readFile(apiClient);
  const backups = async () => (await readdir(kaspiDir)).filter((f) => f.startsWith('ApiClient.php.backup.'));
  const checks: RunbookCheck[] = [];
  try {
    const backup = await stub.runCommand('bash', ['-c', step2Backup]);
    const made = await backups();
    checks.push({
      step: 'step 2: back up ApiClient.php',
      snippet: step2Backup,
      ok: backup.code === 0 && made.length === 1,
      output: (backup.stdout + backup.stderr).trim(),
      reason: backup.code === 0 ? undefined : `exit ${backup.code}`,
    });
    // A bad deploy: what the rollback exists for.
    await writeFile(apiClient, '<?php this is a broken deploy');
    const restore = await stub.runCommand('bash', ['-c', rollbackRestore]);
    const restored = (await readFile(apiClient)).equals(original);
    const output = (restore.stdout + restore.stderr).trim();
    checks.push({
      step: 'rollback: restore the backup and verify',
      snippet: rollbackRestore,
      ok: restored && output.includes('✅ Restored'),
      output,
      reason: restored ? undefined : 'ApiClient.php is not the backed-up file after the restore',
    });
    // A second deployment means a second backup: the restore's glob now names several files.
    await new Promise((r) => setTimeout(r, 1_100)); // the backup name has one-second resolution
    await stub.runCommand('bash', ['-c', step2Backup]);
    await writeFile(apiClient, '<?php this is a broken deploy');
    const again = await stub.runCommand('bash', ['-c', rollbackRestore]);
    const againOk = (await readFile(apiClient)).equals(original);
    const againOutput = (again.stdout + again.stderr).trim();
    checks.push({
      step: 'rollback after a second deployment (two backups)',
      snippet: rollbackRestore,
      ok: againOk && againOutput.includes('✅ Restored'),
      output: againOutput,
      reason: againOk
        ? undefined
        : /not a directory/i.test(againOutput)
          ? "with more than one backup, `cp ApiClient.php.backup.* ApiClient.php` expands to several sources and cp refuses ('target is not a directory'): the broken file stays; restore one named backup (the newest)"
          : 'the restore did not bring the backup back',
    });
  } finally {
    await writeFile(apiClient, original);
    for (const file of await backups()) await rm(join(kaspiDir, file), { force: true });
  }
  return checks;
}

/** Runs every runbook check in order; never throws for a failing snippet (that is a result). */
export async function runRunbookChecks(stub: RunbookStub): Promise<RunbookCheck[]> {
  return [...(await checkStep6(stub)), await checkStep7(stub), ...(await checkRollback(stub))];
}
