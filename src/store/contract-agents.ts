/** Store contract: the agents' last known live state per env. */
import { describe, expect, test } from "bun:test";
import type { Harness } from "./contract.ts";

export function agentStateTests(h: Harness): void {
  describe("agents' last known state", () => {
    test("put replaces per env, keeps the text as given, and dates it by the store's clock", async () => {
      const { store, clock } = await h.open();
      expect(await store.agentState("staging")).toBeUndefined();
      const text = '{"env":"staging","apps":[{"key":"default/web","name":"wéb"}],"flux":[]}';
      await store.putAgentState("staging", text);
      expect(await store.agentState("staging")).toEqual({ state: text, updated: clock.seconds });
      clock.ms += 5000;
      await store.putAgentState("staging", '{"env":"staging","apps":[],"flux":[]}');
      await store.putAgentState("prod", '{"env":"prod"}');
      expect(await store.agentState("staging")).toEqual({
        state: '{"env":"staging","apps":[],"flux":[]}',
        updated: clock.seconds,
      });
      expect((await store.agentState("prod"))?.state).toBe('{"env":"prod"}');
    });

    test("another connection (a restarted server) reads what was put", async () => {
      const { store, connect } = await h.open();
      await store.putAgentState("staging", '{"apps":[1]}');
      const other = await connect();
      expect((await other.agentState("staging"))?.state).toBe('{"apps":[1]}');
    });
  });
}
