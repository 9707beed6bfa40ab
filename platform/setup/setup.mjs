#!/usr/bin/env node
// Idempotent setup: installs what the harness needs and is missing, and nothing else.
// Plain Node with no dependencies, because it runs before `npm ci` on a fresh clone.
//   node platform/setup/setup.mjs [--quiet] [--check]
//     --quiet  print only what is being installed and what fails
//     --check  install nothing; exit 1 with one line per missing part
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const checkOnly = args.has('--check');
const say = (line) => quiet || console.log(`[setup] ${line}`);
const fail = (line) => {
  console.error(`[setup] ${line}`);
  process.exit(1);
};

function commandWorks(command, commandArgs) {
  return spawnSync(command, commandArgs, { stdio: 'ignore' }).status === 0;
}

function newestPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : undefined;
}

function phpExtensions() {
  const result = spawnSync('php', ['-m'], { encoding: 'utf8' });
  return result.status === 0
    ? result.stdout
        .toLowerCase()
        .split('\n')
        .map((l) => l.trim())
    : undefined;
}

/** Each system part: how to tell it is there, and the Debian packages that bring it. */
const systemParts = [
  {
    name: 'PHP 8.2 with curl, mysqli and mbstring',
    packages: ['php-cli', 'php-curl', 'php-mysql', 'php-mbstring'],
    present: () => {
      const extensions = phpExtensions();
      return !!extensions && ['curl', 'mysqli', 'mbstring'].every((e) => extensions.includes(e));
    },
  },
  {
    name: 'MariaDB server',
    packages: ['mariadb-server'],
    present: () => commandWorks('mariadbd', ['--version']) || existsSync('/usr/sbin/mariadbd'),
  },
  {
    name: 'PostgreSQL server',
    packages: ['postgresql'],
    present: () => newestPostgresBin() !== undefined,
  },
  {
    // PHP's private network namespace (platform/netns) brings its loopback up with `ip` and is entered
    // with util-linux's nsenter; without them the stack falls back to proxy-only and says so.
    name: "iproute2 and util-linux (ip, unshare, nsenter: PHP's network namespace)",
    packages: ['iproute2', 'util-linux'],
    present: () =>
      ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].some((path) => existsSync(path)) &&
      commandWorks('nsenter', ['--version']) &&
      commandWorks('unshare', ['--version']),
  },
  {
    name: 'Chromium (for the browser scenarios)',
    packages: ['chromium'],
    present: () => existsSync('/usr/bin/chromium') || existsSync('/usr/bin/chromium-browser'),
  },
  {
    // Optional: the browser scenarios run in it when it is there (platform/chromium.ts), a
    // third less CPU than the full browser; Ubuntu's apt has no such package, and the full one works.
    name: "Chromium's headless shell (faster browser scenarios)",
    packages: ['chromium-headless-shell'],
    present: () => existsSync('/usr/bin/chromium-headless-shell'),
    optional: true,
  },
];

function ensureNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer (https://nodejs.org).`);
  }
}

function ensureNpmPackages() {
  // Installed as a package (`npm i -D kaspi-harness`): the site's npm installed its dependencies.
  if (!existsSync(join(root, 'package-lock.json'))) return;
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  if (checkOnly) fail('npm packages are missing: run `npm ci`.');
  console.log('[setup] installing npm packages (npm ci)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
}

function ensureSystemPackages() {
  const missing = systemParts.filter((part) => !part.optional && !part.present());
  const missingOptional = systemParts.filter((part) => part.optional && !part.present());
  if (missing.length === 0) {
    say('PHP, MariaDB, PostgreSQL, iproute2/util-linux and Chromium are present.');
    installOptional(missingOptional);
    return;
  }
  const packages = missing.flatMap((part) => part.packages);
  const names = missing.map((part) => part.name).join(', ');
  const fix = `apt-get install -y ${packages.join(' ')}`;
  if (checkOnly) fail(`${names} missing: run \`npx kaspi-harness setup\` or \`${fix}\`.`);
  const isRoot = process.getuid?.() === 0;
  if (!existsSync('/usr/bin/apt-get'))
    fail(`${names} missing and this is not Debian/Ubuntu: install them by hand.`);
  const sudo = isRoot ? [] : ['sudo', '-n'];
  if (!isRoot && !commandWorks('sudo', ['-n', 'true'])) {
    fail(`${names} missing: run \`sudo ${fix}\` (the harness needs them installed once).`);
  }
  console.log(`[setup] installing ${names} (${packages.join(' ')})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (argv) => execFileSync(argv[0], argv.slice(1), { stdio: quiet ? 'ignore' : 'inherit', env });
  run([...sudo, 'apt-get', 'update', '-qq']);
  run([...sudo, 'apt-get', 'install', '-y', '-qq', ...packages]);
  const stillMissing = systemParts.filter((part) => !part.optional && !part.present());
  if (stillMissing.length)
    fail(`still missing after apt-get: ${stillMissing.map((p) => p.name).join(', ')}.`);
  installOptional(missingOptional);
}

/** Best effort, never fatal: a package this distribution lacks only costs speed. */
function installOptional(parts) {
  if (parts.length === 0 || checkOnly || !existsSync('/usr/bin/apt-get')) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot && !commandWorks('sudo', ['-n', 'true'])) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (aptArgs) => {
    const argv = [...(isRoot ? [] : ['sudo', '-n']), 'apt-get', ...aptArgs];
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore', env });
  };
  for (const part of parts) {
    // Not in this distribution's package lists (Ubuntu has no chromium-headless-shell): skip at
    // once, every run, instead of an apt-get update each time.
    if (!commandWorks('apt-cache', ['show', ...part.packages])) continue;
    const install = () => aptGet(['install', '-y', '-qq', ...part.packages]);
    try {
      try {
        install();
      } catch {
        aptGet(['update', '-qq']); // package lists may be missing or stale
        install();
      }
      say(`installed ${part.name}.`);
    } catch {
      say(`${part.name}: not installable here (${part.packages.join(' ')}), skipped.`);
    }
  }
}

ensureNodeVersion();
ensureNpmPackages();
ensureSystemPackages();
