/**
 * "The client called GET /api/payment/config; this service has GET /admin/configs/{shop_id}": the
 * served routes closest to a request, by shared words weighted by rarity (a word every route has,
 * like "payment", says little; "config" says a lot), with a small bonus for the same method.
 */

/** `/api/payment/config?shop_id=1` → payment, config, shop, id (singular, lower case, no "api"). */
export function words(path: string): Set<string> {
  const [pathname = '', query = ''] = path.split('?');
  const names = [...pathname.split('/'), ...query.split('&').map((pair) => pair.split('=')[0] ?? '')];
  const result = new Set<string>();
  for (const part of names) {
    for (const raw of part.replace(/[{}:]/g, '').split(/[-_.]/)) {
      const word = raw.toLowerCase().replace(/s$/, '');
      if (word !== '' && word !== 'api' && !/^v\d+$/.test(word) && !/^\d+$/.test(word)) result.add(word);
    }
  }
  return result;
}

export function nearestRoutes(method: string, path: string, served: readonly string[], count = 3): string[] {
  const routeWords = served.map((key) => words(key.slice(key.indexOf(' ') + 1)));
  const frequency = new Map<string, number>();
  for (const set of routeWords) for (const word of set) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  const asked = words(path);
  const scored = served.map((key, index) => {
    let score = 0;
    for (const word of routeWords[index]!) {
      if (asked.has(word)) score += Math.log(1 + served.length / (frequency.get(word) ?? 1));
    }
    if (key.startsWith(`${method} `)) score += 0.25;
    return { key, score, index };
  });
  return scored
    .filter((entry) => entry.score > 0.25)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .map((entry) => entry.key);
}
