/** The in-cluster agent: watches → derived state → uplink to `gimlet serve`; commands; manifests. */
export { startAgent, type AgentOptions, type RunningAgent } from "./agent.ts";
export { Commands, type CommandSink } from "./commands.ts";
export { deriveState } from "./derive.ts";
export { StateKeeper, type StateSource } from "./state-keeper.ts";
export { Uplink, type UplinkOptions } from "./uplink.ts";
