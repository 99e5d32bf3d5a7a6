/** Reading inputs and writing outputs for commands: `-f FILE|DIR|-`, atomic `-o FILE`. */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "../core/errors.ts";

export async function stdout(text: string): Promise<void> {
  await Bun.write(Bun.stdout, text);
}

export async function stderr(text: string): Promise<void> {
  await Bun.write(Bun.stderr, text);
}

export interface InputFile {
  name: string;
  text: string;
}

const maxInputBytes = 4 * 1024 * 1024;

/** The original's convention: `-` is stdin, a directory is every YAML file in it (not recursive). */
export async function readInputs(spec: string, what = "-f"): Promise<InputFile[]> {
  if (spec === "-") return [{ name: "<stdin>", text: await Bun.stdin.text() }];
  const st = await stat(spec).catch(() => undefined);
  if (!st) throw new UserError(`no such file or directory: ${spec}`, { path: what });
  if (st.isDirectory()) {
    const names = (await readdir(spec)).filter((n) => /\.ya?ml$/.test(n)).sort();
    if (names.length === 0) throw new UserError(`no .yaml files in directory ${spec}`, { path: what });
    return Promise.all(names.map((n) => readInput(join(spec, n))));
  }
  return [await readInput(spec)];
}

async function readInput(path: string): Promise<InputFile> {
  const f = Bun.file(path);
  if (f.size > maxInputBytes) {
    throw new UserError(
      `file is ${(f.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${maxInputBytes / 1024 / 1024} MiB`,
      {
        pos: { file: path },
        hint: "check that the right file was passed",
      },
    );
  }
  return { name: path, text: await f.text() };
}

/** Writes via a temp file and rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/** Replaces `dir` with exactly `files` (built aside, then swapped in). */
export async function replaceDir(dir: string, files: { path: string; content: string }[]): Promise<void> {
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const f of files) await writeFile(join(tmp, f.path), f.content);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  await rename(tmp, dir);
}
