// shell-size.test.mjs — the app shell stays within its 100 KB gzip budget:
// what a parent's browser downloads before the first screen is usable
// (tools/shell-size.mjs: index.html, its CSS, the modules it preloads, the
// service worker, the largest language's messages). Modules only the
// console's import() reaches are staff screens, not the shell; any module
// the first screen imports counts, however it is reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellSize } from '../../tools/shell-size.mjs';

const www = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www');
const BUDGET = 100 * 1024;

test('the first screen downloads at most 100 KB gzip', () => {
  const s = shellSize(www);
  const f = s.first_screen;
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  assert.ok(f.modules > 20 && f.js > 0 && f.css > 0 && f.messages > 0, JSON.stringify(f));
  assert.equal(s.shell_gzip, f.html + f.css + f.js + f.messages);
  assert.ok(
    s.shell_gzip <= BUDGET,
    `app shell ${kb(s.shell_gzip)} > 100 KB (html ${kb(f.html)}, css ${kb(f.css)}, js ${kb(f.js)}, messages ${kb(f.messages)})`,
  );
});

test('only the console and what it alone imports are left out as staff screens', () => {
  const { staff_only } = shellSize(www);
  assert.ok(staff_only.files.includes('js/views/console.js'));
  for (const f of staff_only.files) assert.ok(!f.startsWith('js/views/') || f === 'js/views/console.js', f);
  assert.ok(!staff_only.files.includes('js/app.js') && !staff_only.files.includes('js/ui.js'));
});
