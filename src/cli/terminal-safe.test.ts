import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafe } from './terminal-safe.js';

const cases: { name: string; in: string; out: string }[] = [
  { name: 'plain text is unchanged', in: 'Pod default/web denied\n', out: 'Pod default/web denied\n' },
  { name: 'tabs and newlines stay', in: 'a\tb\nc\n', out: 'a\tb\nc\n' },
  { name: "podgate's colours stay", in: '\u001b[31mdenied\u001b[39m \u001b[1mNAME\u001b[22m \u001b[90mskip\u001b[39m', out: '\u001b[31mdenied\u001b[39m \u001b[1mNAME\u001b[22m \u001b[90mskip\u001b[39m' },
  { name: "progress's leading carriage return and erase-line stay", in: '\rreading: 10 objects, 1.0 s\u001b[K', out: '\rreading: 10 objects, 1.0 s\u001b[K' },
  { name: 'a title change, a bell and a screen clear in a name are shown', in: 'evil\u001b]0;pwned\u0007\u001b[2J', out: 'evil\\x1b]0;pwned\\x07\\x1b[2J' },
  { name: 'a carriage return inside a line is shown (it would overwrite "denied")', in: 'Pod x denied\rok     ', out: 'Pod x denied\\x0dok     ' },
  { name: 'a concealing SGR (8) is not podgate\'s', in: 'a\u001b[8mhidden', out: 'a\\x1b[8mhidden' },
  { name: 'C1 controls and DEL are shown', in: 'a\u009bb\u007f', out: 'a\\x9bb\\x7f' },
];

for (const c of cases) {
  test(`terminalSafe: ${c.name}`, () => {
    assert.equal(terminalSafe(c.in), c.out);
  });
}
