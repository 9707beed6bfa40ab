import { describe, expect, it } from 'vitest';
import { maskUuids } from './keep-logs.ts';

describe('maskUuids', () => {
  it('keeps the first and last four characters of every device token and drops the rest', () => {
    const text =
      '{"deviceToken":"7cbf627c-9e91-472e-ba38-019e70a3c4b6","other":"2E4A0845-CF7F-4687-B89E-69FD13DF233A"}';
    expect(maskUuids(text)).toBe('{"deviceToken":"7cbf…c4b6","other":"2E4A…233A"}');
  });
});
