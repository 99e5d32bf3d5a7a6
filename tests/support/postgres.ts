/**
 * A real PostgreSQL server for tests: Debian's `postgresql` binaries, a cluster made by initdb in a
 * temp dir, started with pg_ctl on a free port of 127.0.0.1, stopped and removed after. Postgres
 * refuses to run as root, so when the tests run as root the server runs as the `postgres` user (or
 * `nobody`) through setpriv. Missing binaries are an error that says how to install them: the suites
 * that need a server never skip silently.
 */
import { SQL } from "bun";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/testenv/procs.ts";

export interface TestPostgres {
  /** The superuser's URL of the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** A fresh, empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  /** Stops the server (fast: open connections are cut) and starts it again on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** Stops the server (fast), keeping its data and port for {@link TestPostgres.resume}. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT = "install them: apt-get install -y postgresql (Debian/Ubuntu), or put pg_ctl and initdb on PATH";

/** The directory holding initdb and pg_ctl: Debian's newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0]!, "bin");
  }
  const onPath = Bun.which("pg_ctl");
  if (onPath && Bun.which("initdb")) return onPath.slice(0, onPath.lastIndexOf("/"));
  throw new Error(
    `the PostgreSQL server binaries (initdb, pg_ctl) were not found in ${base}/*/bin or on PATH: ${INSTALL_HINT}`,
  );
}

/** Who runs the server: the current user, unless that is root (Postgres refuses root). */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const line = readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name}:`));
    if (line) {
      const [, , uid, gid] = line.split(":");
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error("tests run as root and there is no postgres or nobody user to run PostgreSQL as");
}

async function run(cmd: string[], user: ReturnType<typeof serverUser>, what: string): Promise<void> {
  const argv = user ? ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", ...cmd] : cmd;
  const p = Bun.spawn(argv, {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "", LC_ALL: "C", TZ: "UTC" },
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${err || out}`);
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "gimlet-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const port = freePort();
  const superuser = "gimlet";
  await run(
    [join(bin, "initdb"), "-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    user,
    "initdb",
  );
  // fsync off: a test cluster is thrown away, and the suite waits on commits a lot.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300`;
  const start = () =>
    run([join(bin, "pg_ctl"), "-D", data, "-l", log, "-o", opts, "-w", "-t", "30", "start"], user, "pg_ctl start");
  const stopServer = () => run([join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"], user, "pg_ctl stop");
  try {
    await start();
  } catch (e) {
    const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${tail}`);
  }
  const url = `postgres://${superuser}@127.0.0.1:${port}/postgres`;
  const admin = new SQL({ url, max: 2, idleTimeout: 5 });
  let n = 0;
  let stopped = false;
  return {
    url,
    port,
    async createDatabase(name = `t${process.pid}_${++n}_${Date.now().toString(36)}`) {
      await admin.unsafe(`CREATE DATABASE "${name}"`);
      return `postgres://${superuser}@127.0.0.1:${port}/${name}`;
    },
    async dropDatabase(dbUrl: string) {
      const name = new URL(dbUrl).pathname.slice(1);
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    async restart(o = {}) {
      await stopServer();
      if (o.downMs) await Bun.sleep(o.downMs);
      await start();
    },
    halt: () => stopServer(),
    resume: () => start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await admin.close().catch(() => undefined);
      await stopServer().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
