/**
 * The viewers of bench/dashboard.ts, in their own process so the server's memory is measured alone:
 *   bun bench/dashboard-viewers.ts <url> <cookie> <viewers>
 * Opens the page streams, prints "ready" once every one is subscribed, then for each `apps-changed`
 * event that reached every viewer prints one line: the absolute times (ms) each viewer got it.
 */
export {};

const [url, cookie, count] = Bun.argv.slice(2);
const n = Number(count);
if (!url || !cookie || !(n > 0)) {
  console.error("usage: bun bench/dashboard-viewers.ts <url> <cookie> <viewers>");
  process.exit(2);
}
const now = () => performance.timeOrigin + performance.now();
let round: number[] = [];
let subscribed = 0;
const decoder = () => new TextDecoder();

async function view(): Promise<void> {
  const r = await fetch(url!, { headers: { Cookie: cookie! } });
  if (r.status !== 200 || !r.body) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  const text = decoder();
  let buf = "";
  let ready = false;
  for await (const chunk of r.body) {
    buf += text.decode(chunk, { stream: true });
    if (!ready) {
      if (!buf.includes("subscribed")) continue;
      ready = true;
      buf = "";
      if (++subscribed === n) console.log("ready");
      continue;
    }
    if (!buf.includes("apps-changed")) continue;
    buf = "";
    round.push(now());
    if (round.length === n) {
      console.log(JSON.stringify(round));
      round = [];
    }
  }
}

await Promise.all(Array.from({ length: n }, view));
