import { parseArgs } from 'node:util';
import {
  PaymentServiceControlClient,
  faultRuleInput as paymentServiceRule,
  type FaultRuleInput as PaymentServiceRule,
} from '../../simulator/payment-service/index.ts';
import {
  KaspiControlClient,
  faultRuleInput as kaspiRule,
  type FaultRuleInput as KaspiRule,
} from '../../simulator/kaspi/index.ts';
import { faultFlags, placeholder, usage, type FaultFlags, type Flag } from '../chaos-flags.ts';
import type { StackInfo } from '../../stack/stack.ts';
import { UsageError, type Command } from '../command.ts';
import { didYouMean } from '../suggest.ts';
import { reaching, type Target } from '../unreachable.ts';
import { ownStack } from '../up-stacks.ts';

interface ChaosTarget {
  /** For messages: "the Kaspi simulator's control API". */
  what: string;
  /** Its control URL in a stack `kaspi-harness up` keeps running. */
  controlUrlIn(info: StackInfo): string;
  flags: FaultFlags;
  client(controlUrl: string): {
    addFault(rule: never): Promise<string>;
    faults(): Promise<unknown[]>;
    removeFaults(id?: string): Promise<number>;
  };
}

/** One entry per simulator; its flags come from its fault-rule schema. */
const targets: Record<string, ChaosTarget> = {
  kaspi: {
    what: "the Kaspi simulator's control API",
    controlUrlIn: (info) => info.kaspi.controlUrl,
    flags: faultFlags(kaspiRule, 'kaspi'),
    client: (url) => new KaspiControlClient(url),
  },
  'payment-service': {
    what: "the payment-service simulator's control API",
    controlUrlIn: (info) => info.paymentService.controlUrl,
    flags: faultFlags(paymentServiceRule, 'payment-service'),
    client: (url) => new PaymentServiceControlClient(url),
  },
};

/** Flags that are gone, and what to say instead. */
const formerFlags: Record<string, string> = {
  route: '--route is now --method M --path P (e.g. --method GET --path /api/payment/config)',
  inner: '--inner is gone: flapping is now --probability P --seed N on the fault itself',
};

const valueFlags = new Map<string, Flag>();
for (const target of Object.values(targets)) {
  for (const flag of [...target.flags.rule, ...target.flags.kinds.flatMap((kind) => kind.flags)])
    valueFlags.set(flag.name, flag);
}
const options = Object.fromEntries(
  ['control-url', ...valueFlags.keys(), ...Object.keys(formerFlags)].map((name) => [
    name,
    { type: 'string' },
  ]),
) as Record<string, { type: 'string' }>;

const wrap = (text: string, indent: string, width = 100): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((text) => `${indent}${text}`).join('\n');
};

/** `chaos <sim> list`: every kind with its options, and the rule's own options. */
export function listKinds(simulator: string): string {
  const { kinds, rule } = targets[simulator]!.flags;
  const option = (flag: Flag) =>
    `${wrap(`--${flag.name} ${placeholder(flag)}${flag.required ? '' : ' (optional)'}: ${flag.description}`, '      ')}`;
  return [
    `Faults of the ${simulator} simulator (kaspi-harness chaos ${simulator} <kind> [options]):`,
    ...kinds.flatMap((kind) => [`  ${kind.kind}`, wrap(kind.description, '    '), ...kind.flags.map(option)]),
    '',
    'Which requests and how often (every kind):',
    ...rule.map((flag) => option(flag).replace(/^ {6}/, '  ')),
  ].join('\n');
}

const summary = (simulator: string): string => {
  const { kinds, rule } = targets[simulator]!.flags;
  return [
    `${simulator}:`,
    ...kinds.map((kind) => `  ${[kind.kind, ...kind.flags.map(usage)].join(' ')}`),
    `  every kind: ${rule.map(usage).join(' ')}`,
  ].join('\n');
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
  help: `Usage: kaspi-harness chaos <target> <kind [options] | list | installed | clear [id]>

Switches a fault on a running simulator; \`list\` says what each kind and option does, \`installed\`
shows the rules in place, \`clear\` removes one (by id) or all.

Targets and their faults (options from the simulators' fault schemas):
${Object.keys(targets).map(summary).join('\n')}

Examples:
  kaspi-harness chaos payment-service down
  kaspi-harness chaos payment-service latency --ms 3000 --method GET --path /api/payment/config
  kaspi-harness chaos kaspi status-code --status-code=-999 --path qr/create --times 3
  kaspi-harness chaos kaspi http-status --status 503 --probability 0.3 --seed 7

Options:
  --control-url URL     the simulator's control API (\`kaspi-harness sim\` and \`status\` print it; default:
                        the one of the stack \`kaspi-harness up\` started from this directory)`,
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
    const former = Object.keys(formerFlags).find((name) => values[name] !== undefined);
    if (former) throw new UsageError(formerFlags[former]!);
    if (action === 'list') {
      console.log(listKinds(targetName));
      return 0;
    }
    const { 'control-url': url, ...given } = values;
    // The rule is built (and refused) before the simulator is asked anything.
    const rule =
      action === 'installed' || action === 'clear' ? undefined : target.flags.ruleFor(action, given);
    const control = controlTarget(target, url);
    const client = target.client(control.url);
    const act = async (): Promise<string> => {
      if (action === 'installed') return JSON.stringify(await client.faults(), null, 2);
      if (action === 'clear') return `removed ${await client.removeFaults(rest[0])}`;
      const id = await client.addFault(rule as never);
      const where = (rule as KaspiRule | PaymentServiceRule).match;
      const on =
        where && Object.keys(where).length > 0 ? ` on ${JSON.stringify(where)}` : ' on every request';
      return `fault ${id}: ${action}${on} (remove: kaspi-harness chaos ${targetName} clear ${id})`;
    };
    console.log(await reaching(control, act));
    return 0;
  },
};
