import { describe, expect, test } from "bun:test";
import { actions, authorize, decide, policy, roles, type Action, type Principal, type Role } from "./access.ts";
import { ForbiddenError } from "./errors.ts";

/**
 * What each role may do, written from the requirements rather than copied from the table, so a slip
 * in either shows up as a cell that disagrees.
 */
const userMay: Action[] = [
  "artifact.push",
  "artifact.read",
  "release.request",
  "release.read",
  "rollback",
  "delete",
  "status.read",
  "history.read",
  "env.list",
  "events.subscribe",
  "metrics.read",
  "app.logs",
  "app.restart",
  "app.details",
  "flux.reconcile",
  "dashboard.view",
];
const fluxMay: Action[] = ["flux.event", "git.read"];
/** Only for the env the agent's token is bound to. */
const agentMayOwnEnv: Action[] = ["agent.state", "agent.commands"];

const envs = { own: "staging", other: "prod", none: undefined } as const;
type Where = keyof typeof envs;

function expected(role: Role, bound: boolean, action: Action, where: Where): boolean {
  if (bound && where === "other") return false; // a binding limits every role
  switch (role) {
    case "admin":
      return true;
    case "user":
      return userMay.includes(action);
    case "flux":
      return fluxMay.includes(action);
    case "agent":
      return bound && where === "own" && agentMayOwnEnv.includes(action);
  }
}

describe("the access table", () => {
  test("has a row for every action and nothing else", () => {
    expect(Object.keys(policy).sort()).toEqual([...actions].sort());
    for (const a of actions) expect(policy[a]).toHaveLength(roles.length);
  });

  const cells: [Role, boolean, Action, Where][] = [];
  for (const role of roles)
    for (const bound of [false, true])
      for (const action of actions)
        for (const where of ["own", "other", "none"] as const) cells.push([role, bound, action, where]);

  test(`decides every cell (${cells.length}: role × bound/unbound × action × own/other/no env) as required`, () => {
    const wrong: string[] = [];
    for (const [role, bound, action, where] of cells) {
      const p: Principal = { login: "t", role, env: bound ? envs.own : "" };
      const got = decide(p, action, where === "none" ? {} : { env: envs[where] }).allow;
      const want = expected(role, bound, action, where);
      if (got !== want) wrong.push(`${role}${bound ? "@staging" : ""} ${action} ${where}: got ${got}, want ${want}`);
    }
    expect(wrong).toEqual([]);
  });

  test("a flux token reads hosted repos and posts Flux events, for its env only when bound", () => {
    const flux: Principal = { role: "flux", env: "staging" };
    expect(decide(flux, "git.read", { env: "staging" }).allow).toBe(true);
    expect(decide(flux, "flux.event", { env: "staging" }).allow).toBe(true);
    expect(decide(flux, "git.read", { env: "prod" })).toEqual({
      allow: false,
      reason: 'a flux token is scoped to env staging; it may not act on env "prod"',
    });
    const write = decide(flux, "git.write", { env: "staging" });
    expect(write).toEqual({ allow: false, reason: "the flux role may not git.write" });
    expect(decide({ role: "flux", env: "" }, "git.read", { env: "prod" }).allow).toBe(true);
  });

  test("an agent token made without an env can do nothing, and says how to fix it", () => {
    const d = decide({ login: "a1", role: "agent", env: "" }, "agent.state", { env: "staging" });
    const reason = "the token of a1 may agent.state only once bound to an env (user create --env)";
    expect(d).toEqual({ allow: false, reason });
  });

  test("unknown roles and actions (a bad row, a typo in a caller) are refused, not thrown", () => {
    expect(decide({ role: "root" as Role, env: "" }, "git.read").allow).toBe(false);
    expect(decide({ role: "admin", env: "" }, "git.delete" as Action).allow).toBe(false);
  });

  test("authorize throws ForbiddenError carrying the reason", () => {
    expect(() => authorize({ role: "user", env: "" }, "user.manage")).toThrow(ForbiddenError);
    expect(() => authorize({ role: "user", env: "" }, "user.manage")).toThrow("the user role may not user.manage");
    expect(() => authorize({ role: "admin", env: "" }, "user.manage")).not.toThrow();
  });
});
