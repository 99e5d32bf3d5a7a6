/**
 * Renders untrusted manifests in a Worker thread with a hard timeout. A template that loops or
 * a regex that backtracks forever only ever blocks that thread: HTTP, git serving and health
 * checks go on, and the thread is terminated at the deadline and replaced for the next job.
 * The template engine's own limits (steps, output size) stop most runaways long before that.
 */
import { UserError } from "../core/errors.ts";
import { untrustedLimits } from "../core/template/index.ts";
import {
  RenderAbortedError,
  RenderTimeoutError,
  type ManifestRenderer,
  type RenderedManifest,
  type RenderJob,
} from "../ops/render.ts";
import type { RenderReply, RenderRequest } from "./render-thread.ts";

export { RenderAbortedError, RenderTimeoutError, type RenderedManifest };

export const defaultRenderTimeoutMs = 10_000;

/**
 * Where the thread's module is. From source it sits beside this file. In the compiled binary every
 * module is bundled into the main entry (at the root of Bun's embedded file system, named after
 * the binary), and render-thread.ts is its own entrypoint at its path under the common root `src/`
 * (scripts/build.ts lists it).
 */
function threadEntry(): string {
  const compiled = import.meta.url.startsWith("file:///$bunfs/");
  return new URL(compiled ? "./server/render-thread.js" : "./render-thread.ts", import.meta.url).href;
}

interface Pending {
  resolve: (r: RenderReply) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface RendererOptions {
  /** Hard deadline of one render, in milliseconds (default 10 s). */
  timeoutMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class Renderer implements ManifestRenderer {
  private thread?: Worker;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  readonly timeoutMs: number;
  /** Threads terminated at the deadline (for metrics and tests). */
  timeouts = 0;

  constructor(private readonly o: RendererOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? defaultRenderTimeoutMs;
  }

  /**
   * Loads (and with `render`, renders to files) every manifest of the job. Throws the load error
   * as a UserError, RenderTimeoutError at the deadline, RenderAbortedError when closed meanwhile.
   */
  async load(req: RenderJob): Promise<RenderedManifest[]> {
    if (this.closed) throw new RenderAbortedError("the renderer is closed");
    const id = this.nextId++;
    const reply = await new Promise<RenderReply>((resolve, reject) => {
      const timer = setTimeout(() => this.expire(id, req.file), this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker().postMessage({ ...req, id, limits: untrustedLimits } satisfies RenderRequest);
    });
    if (!reply.ok) throw reply.user ? new UserError(reply.error) : new Error(reply.error);
    return reply.manifests;
  }

  /** Terminates the thread; renders in progress reject with RenderAbortedError. */
  close(): void {
    this.closed = true;
    this.kill(new RenderAbortedError("the server is stopping"));
  }

  private worker(): Worker {
    if (this.thread) return this.thread;
    const w = new Worker(threadEntry());
    w.onmessage = (ev: MessageEvent<RenderReply>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(ev.data.id);
      p.resolve(ev.data);
    };
    // An uncaught error or a crash of the thread fails what it was doing; the next job gets a new one.
    w.onerror = (ev: ErrorEvent) => {
      this.o.log?.("render thread failed", { error: ev.message });
      if (this.thread === w) this.kill(new Error(`the render thread failed: ${ev.message}`));
    };
    w.addEventListener("close", () => {
      if (this.thread === w) this.kill(new Error("the render thread exited"));
    });
    // An idle render thread must not keep the process alive.
    (w as unknown as { unref(): void }).unref();
    this.thread = w;
    return w;
  }

  private expire(id: number, file: string): void {
    if (!this.pending.has(id)) return;
    this.timeouts++;
    const secs = this.timeoutMs / 1000;
    this.o.log?.("render timed out; thread terminated", { file, timeoutMs: this.timeoutMs });
    this.kill(
      new RenderTimeoutError(`rendering ${file} took longer than ${secs} s (the render timeout) and was stopped`, {
        hint: "a template probably loops or builds something huge; make it do less work",
      }),
      id,
    );
  }

  /** Terminates the thread and fails `only` (or every) pending job; others are failed as aborted. */
  private kill(err: Error, only?: number): void {
    const t = this.thread;
    this.thread = undefined;
    t?.terminate();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(only === undefined || id === only ? err : new RenderAbortedError("the render thread was replaced"));
    }
    this.pending.clear();
  }
}
