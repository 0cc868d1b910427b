/**
 * Text from outside (a server's answer, an archive, a file name) made safe to print: C0 control
 * characters (ESC starts terminal escape sequences: colours, clearing the screen, window titles,
 * OSC 8 links; CR overwrites a line) become their visible Control Pictures (␛, ␍), and C1 controls
 * and the bidirectional overrides and isolates (which reorder what a reader sees: "Trojan Source",
 * CVE-2021-42574) become `\uXXXX`. Newlines and tabs stay unless `singleLine`.
 *
 * `\uXXXX` is also what JSON.stringify would have written for them, so applying this to JSON text
 * (whose C0 characters JSON.stringify already escaped) changes how it looks, never what it means.
 * Pure, linear.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above, with newline and tab
const HIDDEN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text: string, options: { singleLine?: boolean } = {}): string {
  return text.replace(options.singleLine ? HIDDEN_LINE : HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    // U+2400 CONTROL PICTURES has a visible symbol for each C0 code (␛ for ESC) and U+2421 (␡) for DEL.
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
