/** The control API's wire types, shared by the server (validation) and the typed client. */
import { z } from 'zod';
import type { DatabaseState } from './database-watch.ts';
import type { Served } from './journal.ts';
import type { PaymentConfigRow, PaymentLogRow } from './store.ts';

/** Text PostgreSQL can store in a varchar(max): no NUL character. */
export const columnText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes('\0'), 'must not contain a NUL character');

/** Partial config for PUT /control/configs/:shopId; the lengths are the columns'. */
export const configPatchSchema = z
  .object({
    organization_bin: columnText(12).optional(),
    device_token: columnText(50).nullable().optional(),
    is_active: z.boolean().optional(),
    provider: columnText(20).optional(),
  })
  .strict();

export type ConfigPatchBody = z.infer<typeof configPatchSchema>;

export const shopIdSchema = z.coerce.number().int().min(-2_147_483_648).max(2_147_483_647);

export interface ControlState {
  up: boolean;
}

export interface ControlStateDetail extends ControlState {
  /** The contract being served: guide, deployed, both or openapi. */
  profile: string;
  /** Whether its PostgreSQL answers; the problem and since when, when it does not. */
  database: DatabaseState;
}
export interface LogsAnswer {
  logs: PaymentLogRow[];
}
export interface ConfigsAnswer {
  configs: PaymentConfigRow[];
}
export interface ConfigAnswer {
  config: PaymentConfigRow;
}
export interface DeleteAnswer {
  deleted: boolean;
}
export interface RequestsAnswer {
  requests: Served[];
}
