import { expect, it } from 'vitest';
import { visibleText } from '../../src/domain/visible-text.js';

it('makes terminal escapes, C1 controls and bidi overrides visible; keeps text, newlines and tabs', () => {
  const hostile = 'Bob\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202egnp.exe\u2066x\u2069\tend\nnext';
  const shown = visibleText(hostile);
  expect(shown).toBe('Bob␛]0;pwned␇␛[2J\\u009b31m\\u202egnp.exe\\u2066x\\u2069\tend\nnext');
  expect([...shown].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n' && c !== '\t')).toEqual([]);
  expect(visibleText('a\nb\tc', { singleLine: true })).toBe('a␊b␉c');
  expect(visibleText('Grüße 🐦 ＠bob')).toBe('Grüße 🐦 ＠bob');
});

it('in JSON text it changes how the text looks, never what it means', () => {
  const value = { name: 'a\u202eb\u0085c\u001bd', n: 1 };
  const json = JSON.stringify(value, null, 2);
  expect(JSON.parse(visibleText(json))).toEqual(value);
  expect(['\u202e', '\u0085', '\u001b'].some((c) => visibleText(json).includes(c))).toBe(false);
});
