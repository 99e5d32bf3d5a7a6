/** Store contract: the timeline's own records (a release's push and rollout times), first record wins. */
import { describe, expect, test } from "bun:test";
import type { Harness } from "./contract.ts";

export function releaseStepTests(h: Harness): void {
  describe("release steps", () => {
    test("the first record of a step stands; a repeat is refused and changes nothing", async () => {
      const { store } = await h.open();
      expect(await store.releaseSteps("ev1")).toEqual([]);
      const pushed = { eventId: "ev1", env: "staging", app: "web", step: "pushed" as const, at: 1_700_000_010 };
      expect(await store.recordReleaseStep(pushed)).toBe(true);
      expect(await store.recordReleaseStep({ ...pushed, at: 1_700_000_099 })).toBe(false);
      expect(await store.releaseSteps("ev1")).toEqual([pushed]);
    });

    test("steps are kept per event, env, app and step, and listed by time", async () => {
      const { store } = await h.open();
      const s = (eventId: string, env: string, app: string, step: "pushed" | "rollout complete", at: number) => ({
        eventId,
        env,
        app,
        step,
        at,
      });
      const rows = [
        s("ev1", "staging", "web", "rollout complete", 30),
        s("ev1", "staging", "web", "pushed", 10),
        s("ev1", "staging", "api", "pushed", 10),
        s("ev1", "prod", "web", "pushed", 20),
        s("ev2", "staging", "web", "pushed", 5),
      ];
      for (const r of rows) expect(await store.recordReleaseStep(r)).toBe(true);
      expect(await store.releaseSteps("ev1")).toEqual([
        s("ev1", "staging", "api", "pushed", 10),
        s("ev1", "staging", "web", "pushed", 10),
        s("ev1", "prod", "web", "pushed", 20),
        s("ev1", "staging", "web", "rollout complete", 30),
      ]);
      expect(await store.releaseSteps("ev2")).toEqual([s("ev2", "staging", "web", "pushed", 5)]);
    });

    test("steps of many events in one read, ordered as releaseSteps orders one event's", async () => {
      const { store } = await h.open();
      const s = (eventId: string, app: string, step: "pushed" | "flux applied", at: number) => ({
        eventId,
        env: "staging",
        app,
        step,
        at,
      });
      const rows = [s("ev2", "web", "pushed", 5), s("gitops:abc", "", "flux applied", 7), s("ev1", "api", "pushed", 5)];
      for (const r of rows) await store.recordReleaseStep(r);
      await store.recordReleaseStep(s("other", "web", "pushed", 1));
      const ids = Array.from({ length: 700 }, (_, i) => `none-${i}`).concat("ev1", "ev2", "gitops:abc", "ev1");
      expect(await store.releaseStepsOf(ids)).toEqual([rows[2]!, rows[0]!, rows[1]!]);
      expect(await store.releaseStepsOf([])).toEqual([]);
      expect(await store.releaseStepsOf(["ev2"])).toEqual(await store.releaseSteps("ev2"));
    });

    test("two connections racing to record the same step: exactly one wins, the other sees its time", async () => {
      const { store, connect } = await h.open();
      const other = await connect();
      const step = { eventId: "ev9", env: "staging", app: "web", step: "rollout complete" as const };
      const won = await Promise.all([
        store.recordReleaseStep({ ...step, at: 100 }),
        other.recordReleaseStep({ ...step, at: 200 }),
        store.recordReleaseStep({ ...step, at: 300 }),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const [kept] = await other.releaseSteps("ev9");
      expect(kept!.at).toBe([100, 200, 300][won.indexOf(true)]!);
    });

    test("inside a transaction that throws, the step is not recorded", async () => {
      const { store } = await h.open();
      const step = { eventId: "ev3", env: "staging", app: "web", step: "pushed" as const, at: 1 };
      await expect(
        store.transaction(async (tx) => {
          await tx.recordReleaseStep(step);
          throw new Error("undo");
        }),
      ).rejects.toThrow("undo");
      expect(await store.releaseSteps("ev3")).toEqual([]);
      expect(await store.transaction((tx) => tx.recordReleaseStep(step))).toBe(true);
    });
  });
}
