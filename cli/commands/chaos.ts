import { parseArgs } from 'node:util';
import {
  PaymentServiceControlClient,
  faultKinds,
  type FaultSpec,
} from '../../simulator/payment-service/index.ts';
import { KaspiControlClient, type FaultRuleInput } from '../../simulator/kaspi/index.ts';
import type { StackInfo } from '../../stack/stack.ts';
import { UsageError, integerFlag, type Command } from '../command.ts';
import { didYouMean } from '../suggest.ts';
import { reaching, type Target } from '../unreachable.ts';
import { ownStack } from '../up-stacks.ts';

const options = {
  'control-url': { type: 'string' },
  route: { type: 'string' },
  times: { type: 'string' },
  ms: { type: 'string' },
  'jitter-ms': { type: 'string' },
  distribution: { type: 'string' },
  status: { type: 'string' },
  body: { type: 'string' },
  field: { type: 'string' },
  'shop-id': { type: 'string' },
  bin: { type: 'string' },
  'device-token': { type: 'string' },
  probability: { type: 'string' },
  seed: { type: 'string' },
  inner: { type: 'string' },
  'status-code': { type: 'string' },
  path: { type: 'string' },
  scheme: { type: 'string' },
  'early-hints': { type: 'string' },
  'extra-bytes': { type: 'string' },
} as const;

type Values = { [K in keyof typeof options]?: string };

/** A fault kind and its flags as the payment-service control API takes it. */
function paymentServiceFault(kind: string, v: Values): FaultSpec {
  const need = (name: keyof Values): string => {
    const value = v[name];
    if (value === undefined) throw new UsageError(`${kind} needs --${name}`);
    return value;
  };
  const int = (name: keyof Values): number => integerFlag(name, need(name)) ?? 0;
  switch (kind) {
    case 'down':
    case 'blackhole':
    case 'invalid-json':
    case 'truncated':
    case 'tls-failure':
      return { kind };
    case 'slow': {
      const distribution = v.distribution;
      if (distribution !== undefined && !['uniform', 'normal', 'exponential'].includes(distribution)) {
        throw new UsageError(`--distribution must be uniform, normal or exponential, got "${distribution}"`);
      }
      return {
        kind,
        ms: int('ms'),
        ...(v['jitter-ms'] === undefined ? {} : { jitterMs: int('jitter-ms') }),
        ...(distribution === undefined
          ? {}
          : { distribution: distribution as 'uniform' | 'normal' | 'exponential' }),
        ...(v.seed === undefined ? {} : { seed: int('seed') }),
      };
    }
    case 'status': {
      let body: unknown;
      if (v.body !== undefined) {
        try {
          body = JSON.parse(v.body) as unknown;
        } catch {
          body = v.body; // not JSON: sent as text, like an error page
        }
      }
      return { kind, status: int('status'), ...(body === undefined ? {} : { body }) };
    }
    case 'missing-field':
      return { kind, field: need('field') };
    case 'stale-config':
      return {
        kind,
        ...(v['shop-id'] === undefined ? {} : { shopId: int('shop-id') }),
        ...(v.bin === undefined ? {} : { organizationBin: v.bin }),
        ...(v['device-token'] === undefined ? {} : { deviceToken: v['device-token'] }),
      };
    case 'wrong-shop':
      return { kind, shopId: int('shop-id') };
    case 'flapping': {
      const probability = Number(need('probability'));
      if (!(probability >= 0 && probability <= 1))
        throw new UsageError('--probability must be between 0 and 1');
      const inner = paymentServiceFault(need('inner'), v);
      if (inner.kind === 'flapping' || inner.kind === 'tls-failure') {
        throw new UsageError(`--inner ${inner.kind} cannot flap per request`);
      }
      return { kind, probability, seed: int('seed'), fault: inner };
    }
    default:
      throw new UsageError(`unknown fault "${kind}" (one of ${faultKinds.join(', ')}, or list, clear)`);
  }
}

const kaspiFaultKinds = [
  'status-code',
  'latency',
  'reset',
  'empty-reply',
  'hang',
  'garbage',
  'header-block',
] as const;

/** A Kaspi fault rule from the flags: what answers (or breaks), for which requests, how often. */
function kaspiFault(kind: string, v: Values): FaultRuleInput {
  const number = (name: keyof Values): number => {
    const value = integerFlag(name, v[name]);
    if (value === undefined) throw new UsageError(`${kind} needs --${name}`);
    return value;
  };
  const fault = ((): FaultRuleInput['fault'] => {
    switch (kind) {
      case 'status-code':
        return { kind, statusCode: number('status-code') };
      case 'latency':
        return { kind, ms: number('ms') };
      case 'reset':
      case 'empty-reply':
      case 'hang':
      case 'garbage':
        return { kind };
      case 'header-block':
        return {
          kind,
          ...(v['early-hints'] === undefined ? {} : { earlyHints: number('early-hints') }),
          ...(v['extra-bytes'] === undefined ? {} : { extraBytes: number('extra-bytes') }),
        };
      default:
        throw new UsageError(
          `unknown Kaspi fault "${kind}" (one of ${kaspiFaultKinds.join(', ')}, or list, clear)`,
        );
    }
  })();
  if (v.scheme !== undefined && !['r1', 'r2', 'r3'].includes(v.scheme)) {
    throw new UsageError(`--scheme must be r1, r2 or r3, got "${v.scheme}"`);
  }
  const match = {
    ...(v.path === undefined ? {} : { path: v.path }),
    ...(v.scheme === undefined ? {} : { scheme: v.scheme as 'r1' | 'r2' | 'r3' }),
    ...(v.bin === undefined ? {} : { bin: v.bin }),
  };
  const probability = v.probability === undefined ? undefined : Number(v.probability);
  if (probability !== undefined && !(probability >= 0 && probability <= 1)) {
    throw new UsageError('--probability must be between 0 and 1');
  }
  return {
    fault,
    ...(Object.keys(match).length ? { match } : {}),
    ...(v.times === undefined ? {} : { times: number('times') }),
    ...(probability === undefined ? {} : { probability }),
    ...(v.seed === undefined ? {} : { seed: number('seed') }),
  };
}

interface ChaosTarget {
  /** For messages: "the Kaspi simulator's control API". */
  what: string;
  /** Its control URL in a stack `kaspi-harness up` keeps running. */
  controlUrlIn(info: StackInfo): string;
  run(controlUrl: string, action: string, values: Values, rest: string[]): Promise<string>;
}

/** One entry per simulator. */
const targets: Record<string, ChaosTarget> = {
  kaspi: {
    what: "the Kaspi simulator's control API",
    controlUrlIn: (info) => info.kaspi.controlUrl,
    async run(controlUrl, action, values, rest) {
      const client = new KaspiControlClient(controlUrl);
      if (action === 'list') return JSON.stringify(await client.faults(), null, 2);
      if (action === 'clear') return `removed ${await client.removeFaults(rest[0])}`;
      const id = await client.addFault(kaspiFault(action, values));
      return `fault ${id}: ${action}${values.path ? ` on ${values.path}` : ' on every endpoint'} (remove: kaspi-harness chaos kaspi clear ${id})`;
    },
  },
  'payment-service': {
    what: "the payment-service simulator's control API",
    controlUrlIn: (info) => info.paymentService.controlUrl,
    async run(controlUrl, action, values, rest) {
      const client = new PaymentServiceControlClient(controlUrl);
      if (action === 'list') return JSON.stringify(await client.faults(), null, 2);
      if (action === 'clear') return `removed ${await client.removeFaults(rest[0])}`;
      const fault = paymentServiceFault(action, values);
      const id = await client.addFault({
        fault,
        ...(values.route === undefined ? {} : { route: values.route }),
        ...(values.times === undefined ? {} : { times: integerFlag('times', values.times) }),
      });
      return `fault ${id}: ${action}${values.route ? ` on ${values.route}` : ' on every route'} (remove: kaspi-harness chaos payment-service clear ${id})`;
    },
  },
};

/** The control API to call: --control-url, else the one of the stack `up` started from here. */
function controlTarget(target: ChaosTarget, flag: string | undefined): Target {
  if (flag !== undefined)
    return {
      what: target.what,
      url: flag,
      hint: 'is the simulator running there? `kaspi-harness status` shows what `kaspi-harness up` keeps running',
    };
  const record = ownStack({
    choose: 'give --control-url URL (`kaspi-harness status --all` prints the control URLs)',
    none: 'give --control-url URL of a simulator started otherwise (`kaspi-harness sim` prints it)',
  });
  return {
    what: target.what,
    url: target.controlUrlIn(record.info),
    hint: `is \`kaspi-harness up\` (pid ${record.pid}) still running? \`kaspi-harness status\` shows what is up`,
  };
}

export const chaosCommand: Command = {
  name: 'chaos',
  help: `Usage: kaspi-harness chaos <target> <fault|list|clear [id]> [options]

Targets: ${Object.keys(targets).join(', ')}
Faults (payment-service): ${faultKinds.join(', ')}
Faults (kaspi): ${kaspiFaultKinds.join(', ')}

Examples:
  kaspi-harness chaos payment-service down
  kaspi-harness chaos kaspi status-code --status-code=-999 --path qr/create --times 3
  kaspi-harness chaos kaspi header-block --path qr/create --early-hints 1 --extra-bytes 4096

Options:
  --control-url URL     the simulator's control API (\`kaspi-harness sim\` and \`status\` print it; default:
                        the one of the stack \`kaspi-harness up\` started from this directory)
  kaspi: --path P --scheme r1|r2|r3 --bin BIN (which requests), --status-code N (status-code),
         --ms N (latency), --early-hints N --extra-bytes N (header-block: 103 answers before
         the answer, Set-Cookie bytes in it; default 1 and 2048), --times N, --probability P --seed N
  --route R             e.g. "GET /api/payment/config" or "/admin/*" (default: every route)
  --times N             fire for the next N requests only
  --ms N --jitter-ms N --distribution uniform|normal|exponential --seed N     (slow)
  --status N --body JSON|TEXT                                                  (status)
  --field NAME                                                                 (missing-field)
  --shop-id N --bin BIN --device-token T                                       (stale-config)
  --shop-id N           config lookups answer with shop N's stored row                (wrong-shop)
  --probability P --seed N --inner FAULT (+ the inner fault's flags)           (flapping)`,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    const [targetName, action, ...rest] = positionals;
    if (!targetName || !action)
      throw new UsageError('give a target and a fault, e.g. chaos payment-service blackhole');
    const target = targets[targetName];
    if (!target)
      throw new UsageError(
        `unknown target "${targetName}"${didYouMean(targetName, Object.keys(targets))} (one of ${Object.keys(targets).join(', ')})`,
      );
    const control = controlTarget(target, values['control-url']);
    console.log(await reaching(control, () => target.run(control.url, action, values, rest)));
    return 0;
  },
};
