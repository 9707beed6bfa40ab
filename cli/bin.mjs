#!/usr/bin/env node
// `npx kaspi-harness`: the CLI is TypeScript, run through tsx's loader so users need no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
