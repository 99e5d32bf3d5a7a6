/**
 * Process metrics in Prometheus text format, named as the Prometheus client libraries name them
 * (process_*, nodejs_*) so stock dashboards and alerts work unchanged.
 */
import { readdirSync } from "node:fs";

/**
 * Event-loop lag by timer drift: a timer asks to fire every `intervalMs`; how late it fires is the
 * time the loop was busy with something else. The timer is unref'd so the sampler never keeps the
 * process alive on its own.
 */
export class LoopLagSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private expected = 0;
  private last = 0;
  private max = 0;

  constructor(private readonly intervalMs = 500) {}

  start(): this {
    if (this.timer) return this;
    this.expected = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.record(Math.max(0, now - this.expected) / 1000);
      this.expected = now + this.intervalMs;
    }, this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One drift sample, seconds (the timer's callback; tests feed it directly). */
  record(seconds: number): void {
    this.last = seconds;
    if (seconds > this.max) this.max = seconds;
  }

  /** The latest sample and the largest since the previous read (which resets it, so a scrape sees its window). */
  read(): { last: number; max: number } {
    const r = { last: this.last, max: this.max };
    this.max = this.last;
    return r;
  }
}

/** Open file descriptors, from /proc/self/fd (Linux); undefined where there is no /proc. */
export function openFds(): number | undefined {
  try {
    // readdirSync's own descriptor on the directory is counted too; it is closed again on return.
    return readdirSync("/proc/self/fd").length - 1;
  } catch {
    return undefined;
  }
}

function metric(name: string, help: string, value: number, type = "gauge"): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`];
}

/** The process_* and nodejs_* lines; `lag` omitted leaves out the event-loop gauges. */
export function processMetrics(lag?: LoopLagSampler): string[] {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  const lines = [
    ...metric("process_resident_memory_bytes", "Resident memory size in bytes.", mem.rss),
    ...metric("process_cpu_user_seconds_total", "User CPU time spent in seconds.", cpu.user / 1e6, "counter"),
    ...metric("process_cpu_system_seconds_total", "System CPU time spent in seconds.", cpu.system / 1e6, "counter"),
    ...metric(
      "process_cpu_seconds_total",
      "User and system CPU time spent in seconds.",
      (cpu.user + cpu.system) / 1e6,
      "counter",
    ),
    ...metric(
      "process_start_time_seconds",
      "Start time of the process since the Unix epoch in seconds.",
      Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000,
    ),
    ...metric("nodejs_heap_size_used_bytes", "JavaScript heap in use, bytes.", mem.heapUsed),
    ...metric("nodejs_heap_size_total_bytes", "JavaScript heap reserved, bytes.", mem.heapTotal),
  ];
  const fds = openFds();
  if (fds !== undefined) lines.push(...metric("process_open_fds", "Number of open file descriptors.", fds));
  if (lag) {
    const { last, max } = lag.read();
    lines.push(
      ...metric("nodejs_eventloop_lag_seconds", "Event-loop lag of the latest sample (timer drift), seconds.", last),
      ...metric("nodejs_eventloop_lag_max_seconds", "Largest event-loop lag since the previous scrape, seconds.", max),
    );
  }
  return lines;
}
