/**
 * App logs across replicas (part of agent-bridge.ts): a viewer on replica B asks the replica holding
 * the agent (A) for a pod's stream; A starts it through its AgentHub and sends the lines to B as they
 * come. Messages: logs (B → A, start), logStarted, logLines, logEnd (A → B), logStop (B → A). A stops
 * a stream whose viewer's replica went silent; B ends its viewers' streams when A does.
 */
import type { AgentCommand } from "../core/agent/wire.ts";
import type { AgentHub, LogSink } from "../ops/index.ts";

type PodLogs = Extract<AgentCommand, { action: "podLogs" }>;
/** The bridge's ordered sender; false when the message does not fit `maxParts` notifications. */
type Send = (msg: { k: string; t: string } & Record<string, unknown>, maxParts?: number) => boolean;

interface Viewer {
  owner: string;
  pod: string;
  sink: LogSink;
  started?: () => void;
}

interface Relay {
  viewer: string;
  stopped: boolean;
  stop?: () => void;
}

/** A line longer than this is cut when even alone it does not fit the notifications allowed. */
const maxLine = 16 * 1024;

export class LogRelays {
  /** Streams watched here, relayed from the replica holding the agent; by stream id. */
  private readonly viewers = new Map<string, Viewer>();
  /** Streams of an agent held here, relayed to the viewer's replica; by stream id. */
  private readonly relays = new Map<string, Relay>();

  constructor(
    private readonly hub: AgentHub,
    private readonly send: Send,
  ) {}

  /** This replica watches streams relayed from others (it must keep sending heartbeats). */
  get watching(): boolean {
    return this.viewers.size > 0;
  }

  // ---- the viewer's replica

  open(owner: string, replica: string, env: string, cmd: PodLogs, sink: LogSink, timeoutMs: number) {
    const id = cmd.id;
    const v: Viewer = { owner, pod: cmd.pod, sink };
    this.viewers.set(id, v);
    const stop = () => {
      if (this.viewers.delete(id)) this.send({ k: "logStop", t: owner, id });
    };
    return new Promise<() => void>((resolve) => {
      const timer = setTimeout(() => {
        const s = Math.round(timeoutMs / 1000);
        stop();
        this.end(id, `replica ${replica}, which holds the agent, did not start the log stream within ${s} s`);
      }, timeoutMs + 1000);
      v.started = () => {
        clearTimeout(timer);
        v.started = undefined;
        resolve(stop);
      };
      this.send({ k: "logs", t: owner, env, cmd, ms: timeoutMs });
    });
  }

  started(id: string): void {
    this.viewers.get(id)?.started?.();
  }

  lines(id: string, pod: string, lines: string[], dropped?: number): void {
    this.viewers.get(id)?.sink.lines(pod, lines, dropped);
  }

  /** The stream ended at the agent, or its relay did (the holder died, this server stops). */
  end(id: string, error?: string): void {
    const v = this.viewers.get(id);
    if (!v) return;
    this.viewers.delete(id);
    v.sink.podEnd(v.pod, error);
    v.started?.();
  }

  /** The replica holding the agent went silent: its streams end here. */
  endFrom(owner: string, error: string): void {
    for (const [id, v] of this.viewers) if (v.owner === owner) this.end(id, error);
  }

  // ---- the replica holding the agent

  async serve(viewer: string, env: string, cmd: PodLogs): Promise<void> {
    const id = cmd.id;
    const relay: Relay = { viewer, stopped: false };
    this.relays.set(id, relay);
    const sink: LogSink = {
      lines: (pod, lines, dropped) => {
        if (!relay.stopped) this.sendLines(viewer, id, pod, lines, dropped);
      },
      podEnd: (_pod, error) => {
        if (this.relays.delete(id)) this.send({ k: "logEnd", t: viewer, id, ...(error ? { error } : {}) });
      },
    };
    try {
      const { namespace, pod, container, tailLines, follow } = cmd;
      const o = { ...(container ? { container } : {}), ...(tailLines !== undefined ? { tailLines } : {}), follow };
      relay.stop = await this.hub.streamPodLogs(env, { namespace, name: pod }, o, sink);
    } catch (err) {
      sink.podEnd(cmd.pod, (err as Error).message);
    }
    this.send({ k: "logStarted", t: viewer, id });
    if (relay.stopped) relay.stop?.();
  }

  /** The viewer left. */
  stop(id: string): void {
    const r = this.relays.get(id);
    if (!r) return;
    this.relays.delete(id);
    r.stopped = true;
    r.stop?.();
  }

  /** Stops the relays whose viewer's replica `silent` says is gone. */
  stopSilent(silent: (replica: string) => boolean): void {
    for (const [id, r] of this.relays) if (silent(r.viewer)) this.stop(id);
  }

  stopAll(error: string): void {
    for (const id of [...this.viewers.keys()]) this.end(id, error);
    for (const id of [...this.relays.keys()]) this.stop(id);
  }

  private sendLines(to: string, id: string, pod: string, lines: string[], dropped?: number): void {
    const msg = { k: "logLines", t: to, id, pod, lines, ...(dropped ? { dropped } : {}) };
    if (this.send(msg, 64)) return;
    if (lines.length > 1) {
      const half = Math.ceil(lines.length / 2);
      this.sendLines(to, id, pod, lines.slice(0, half), dropped);
      this.sendLines(to, id, pod, lines.slice(half));
      return;
    }
    this.send({ ...msg, lines: [`${lines[0]!.slice(0, maxLine)} … (line cut by the replica relay)`] }, 64);
  }
}
