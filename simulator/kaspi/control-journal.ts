/**
 * Journal routes: query by BIN, device token, path and time, and download the match as a JSON file.
 */
import { ok, type ControlRoute } from '../../platform/http/control-api.ts';
import { idParam, timeParam } from './control-params.ts';
import type { Journal } from './journal.ts';
import type { JournalFilter } from './types.ts';

export function journalFilter(query: URLSearchParams): JournalFilter {
  const filter: JournalFilter = {};
  const bin = query.get('bin');
  const deviceToken = query.get('deviceToken');
  const path = query.get('path');
  const from = timeParam(query.get('from'), 'from');
  const to = timeParam(query.get('to'), 'to');
  const limit = idParam(query.get('limit'), 'limit');
  if (bin !== null) filter.bin = bin;
  if (deviceToken !== null) filter.deviceToken = deviceToken;
  if (path !== null) filter.path = path;
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (limit !== undefined) filter.limit = limit;
  return filter;
}

export function journalRoutes(journal: Journal): ControlRoute[] {
  return [
    {
      method: 'GET',
      path: '/control/journal',
      handle: ({ url }) => ok({ entries: journal.entries(journalFilter(url.searchParams)) }),
    },
    {
      method: 'GET',
      path: '/control/journal/download',
      handle: ({ url }) => {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return {
          status: 200,
          text: JSON.stringify(journal.entries(journalFilter(url.searchParams)), null, 2),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="kaspi-journal-${stamp}.json"`,
          },
        };
      },
    },
  ];
}
