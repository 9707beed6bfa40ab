/**
 * The suites a run can name: the catalogue's (scenarios/NAME.test.ts in the harness) and the site's own
 * (`scenariosDir`: every `*.test.ts` under it, named by its path there without `.test.ts`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UsageError } from './command.ts';
import { didYouMean } from './suggest.ts';

export const harnessRoot = join(import.meta.dirname, '..');

export interface Suite {
  name: string;
  /** Absolute. */
  file: string;
  /** From the site's `scenariosDir`, not the harness's catalogue. */
  site: boolean;
}

const suffix = '.test.ts';

function testFilesUnder(dir: string, recursive: boolean): string[] {
  return readdirSync(dir, { recursive, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix) && !file.split(sep).includes('node_modules'))
    .map((file) => join(dir, file))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** Every suite a run of this harness (and site) can run, the catalogue's first. */
export function availableSuites(scenariosDir?: string): Suite[] {
  const catalogueDir = join(harnessRoot, 'scenarios');
  const catalogue = testFilesUnder(catalogueDir, false).map((file) => ({
    name: relative(catalogueDir, file).slice(0, -suffix.length),
    file,
    site: false,
  }));
  if (!scenariosDir) return catalogue;
  const site = testFilesUnder(scenariosDir, true).map((file) => ({
    name: relative(scenariosDir, file).split(sep).join('/').slice(0, -suffix.length),
    file,
    site: true,
  }));
  for (const suite of site)
    if (catalogue.some((known) => known.name === suite.name))
      throw new UsageError(
        `${relative(process.cwd(), suite.file)} has the name of a catalogue suite ("${suite.name}"): rename it`,
      );
  return [...catalogue, ...site];
}

/** The suites `names` (`--suite`) stand for; an unknown one is a usage error listing the valid ones. */
export function suitesNamed(names: readonly string[], scenariosDir?: string): Suite[] {
  const suites = availableSuites(scenariosDir);
  return names.map((name) => {
    const suite = suites.find((candidate) => candidate.name === name);
    if (suite) return suite;
    const all = suites.map((candidate) => candidate.name);
    throw new UsageError(
      `--suite ${name}: no such suite${didYouMean(name, all)} (suites: ${all.join(', ')})`,
    );
  });
}

/** `scenariosDir` given, or `./kaspi-scenarios` when the working directory has one. */
export function siteScenariosDir(given: string | undefined): string | undefined {
  if (given) return given;
  const conventional = join(process.cwd(), 'kaspi-scenarios');
  return existsSync(conventional) && statSync(conventional).isDirectory() ? conventional : undefined;
}
