/**
 * Text made safe for XML 1.0 (JUnit files CI parsers read): the five markup characters escaped, ANSI
 * colour codes dropped, and the characters XML 1.0 forbids (C0 controls but tab, newline and carriage
 * return; U+FFFE, U+FFFF; unpaired surrogates) written as visible `\u{…}` text, so any failure
 * message — a PHP warning with a NUL, a coloured assertion diff — still yields a readable file.
 */
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

/* eslint-disable no-control-regex -- the control characters are what this removes */
const forbidden =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

const markup: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text
    .replace(ansi, '')
    .replace(forbidden, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`)
    .replace(/[<>&"']/g, (c) => markup[c] ?? c);
}
