/**
 * The contract a site's payment-service really serves, as the team declares it for a run
 * (`--payment-service-contract guide|deployed|<OpenAPI file>`): the whole stack serves that one, so a
 * call the deployment does not serve fails the run instead of passing against our picture of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiOperations, type Profile } from './profile.ts';

/** `guide`, `deployed`, or the path of an OpenAPI document (FastAPI's /openapi.json, say). */
export type DeclaredContract = string;

export const defaultContract: DeclaredContract = 'guide';

export class ContractError extends Error {}

/**
 * The profile the payment-service simulator serves for a declared contract; an OpenAPI file is read
 * here, once, and handed on as its JSON (never as a path for the simulator to open).
 */
export function profileOf(declared: DeclaredContract, cwd = process.cwd()): Profile {
  if (declared === 'guide' || declared === 'deployed') return declared;
  const file = resolve(cwd, declared);
  if (!existsSync(file))
    throw new ContractError(
      `"${declared}" is neither guide, deployed nor an existing OpenAPI file (looked for ${file})`,
    );
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContractError(`${declared} is not JSON: ${(error as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new ContractError(`${declared} is not an OpenAPI document (a JSON object with "paths")`);
  try {
    if (openApiOperations(document as Record<string, unknown>).length === 0)
      throw new ContractError(`${declared} lists no operations under "paths"`);
  } catch (error) {
    throw error instanceof ContractError
      ? error
      : new ContractError(`${declared}: ${(error as Error).message}`);
  }
  return { openapi: document as Record<string, unknown> };
}
