// driver.mjs: keeps one headless Chromium page of the benchmark open and
// runs what bench_test.go asks, one JSON command a line on stdin
// ({"fn": "prepare"|"sync"|"count", "arg": …}), answering one JSON line on
// stdout ({"ok": result} or {"error": message}).
//
// Arguments: <page URL> <chromium path>.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const [url, executablePath] = process.argv.slice(2);

// The flags of server/web/e2e/review.mjs: without the background-networking
// ones Chromium keeps dialling out to a network that is closed.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync',
];

const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS, timeout: 60_000 });
const page = await browser.newPage();
page.setDefaultTimeout(10 * 60_000);
const problems = [];
page.on('pageerror', (e) => problems.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
await page.goto(url);
await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
process.stdout.write(JSON.stringify({ ok: { userAgent: await page.evaluate(() => navigator.userAgent) } }) + '\n');

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { fn, arg } = JSON.parse(line);
  try {
    const ok = await page.evaluate(([fn, arg]) => window.bench[fn](arg), [fn, arg]);
    process.stdout.write(JSON.stringify({ ok, problems: problems.splice(0) }) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String(err?.message || err), problems: problems.splice(0) }) + '\n');
  }
}
await browser.close();
