/**
 * The app page's delivery timeline and the release's timeline API are one computation: for every
 * release the page lists the API's steps, in its order, with the same times (absolute in `datetime`
 * and the tooltip) and durations, and says which steps are not recorded.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { TimelineStep } from "../../ops/index.ts";
import { iso } from "../../ui/dashboard/model.ts";
import { took } from "../../ui/dashboard/timeline.tsx";
import { browser, cleanUp, pushArtifact, setup } from "../test-kit.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";

afterAll(cleanUp);

const now = Math.floor(Date.now() / 1000);

const artifact = (sha: string) =>
  stagingWebArtifact(
    sha,
    { image: { repository: "nginx", tag: sha } },
    {
      message: `change ${sha}`,
      url: undefined,
      created: now - 300,
    },
  );

/** The page's timeline of the release whose gitops commit is `hash`: each step as the page shows it. */
function pageSteps(html: string, hash: string) {
  const at = html.indexOf(`id="release-${hash.slice(0, 12)}"`);
  expect(at).toBeGreaterThan(0);
  const ol = /<ol class="timeline" aria-label="Delivery">([\s\S]*?)<\/ol>/.exec(html.slice(at))![1]!;
  return [...ol.matchAll(/<li class="t-(\w+)"[^>]*>([\s\S]*?)<\/li>/g)].map(([, tone, body]) => ({
    tone,
    step: body!.replace(/ <[\s\S]*/, ""),
    datetime: /datetime="([^"]+)" title="([^"]+)"/.exec(body!)?.slice(1),
    took: /title="since the step before">([^<]+)</.exec(body!)?.[1],
    unrecorded: body!.includes("not recorded"),
  }));
}

/** What the page must show for the API's steps. */
const expected = (steps: TimelineStep[]) =>
  steps.map((x) => ({
    tone: x.recorded ? "ok" : "warn",
    step: x.step,
    datetime: x.at ? [iso(x.at), iso(x.at)] : undefined,
    took: x.took !== undefined ? took(x.took) : undefined,
    unrecorded: !x.recorded,
  }));

describe("the app page's delivery timeline", () => {
  test("shows each release's API timeline: the same steps, times and durations, unrecorded ones said so", async () => {
    const s = await setup();
    const ids = [await pushArtifact(s, artifact("aaa1111"))];
    await s.drain();
    ids.push(await pushArtifact(s, artifact("bbb2222")));
    await s.drain();
    const timeline = async (id: string) => {
      const res = await s.app.request(`/api/releases/${encodeURIComponent(id)}/timeline`, {
        headers: { Authorization: `Bearer ${s.admin.token}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { id: string; results: { hash: string; steps: TimelineStep[] }[] };
    };
    const [older, newer] = [await timeline(ids[0]!), await timeline(ids[1]!)];
    const [h1, h2] = [older.results[0]!.hash, newer.results[0]!.hash];
    // Flux applied the older release's commit; the newer one rolled out (recorded by the agent's watch).
    const commit1 = newer.results[0]!.steps.find((x) => x.step === "gitops commit made")!.at!;
    await s.store.upsertGitopsCommit({ sha: h1, env: "staging", status: "ReconciliationSucceeded", statusDesc: "" });
    await s.store.recordReleaseStep({ eventId: `gitops:${h1}`, env: "", app: "", step: "flux applied", at: commit1 });
    await s.store.recordReleaseStep({
      eventId: newer.id,
      env: "staging",
      app: "web",
      step: "rollout complete",
      at: commit1 + 95,
    });
    const b = await browser(s);
    const html = await (await b.get("/envs/staging/apps/web")).text();
    for (const [id, hash] of [
      [ids[0]!, h1],
      [ids[1]!, h2],
    ] as const) {
      const api = (await timeline(id)).results[0]!.steps;
      expect(pageSteps(html, hash)).toEqual(expected(api));
    }
    // What the API says, and so the page: every step, recorded or not.
    const steps1 = (await timeline(ids[0]!)).results[0]!.steps;
    expect(steps1.map((x) => x.step)).toEqual([
      "artifact created",
      "artifact received",
      "deploy policy matched",
      "gitops commit made",
      "pushed",
      "Flux applied",
      "rollout complete",
    ]);
    expect(steps1.map((x) => x.recorded)).toEqual([true, true, true, true, true, true, false]);
    expect(pageSteps(html, h2).find((x) => x.step === "rollout complete")).toEqual({
      tone: "ok",
      step: "rollout complete",
      datetime: [iso(commit1 + 95), iso(commit1 + 95)],
      took: "+95 s",
      unrecorded: false,
    });
    expect(pageSteps(html, h2).find((x) => x.step === "Flux applied")?.unrecorded).toBe(true);
    expect(html).toContain('Flux applied <span class="muted">not recorded (no Flux event yet)</span>');
    // The history fragment htmx refetches shows the same.
    const fragment = await (await b.get("/envs/staging/apps/web/history", { "HX-Request": "true" })).text();
    expect(pageSteps(fragment, h1)).toEqual(pageSteps(html, h1));
  });
});
