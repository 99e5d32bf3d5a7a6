/** Template variables for commands: the OS environment plus an optional dotenv file (which wins). */
import { mergeVars, parseDotenv, type Vars } from "../core/manifest/index.ts";
import { readInputs } from "./io.ts";

export async function loadVars(varsFile: string | undefined): Promise<Vars> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  if (!varsFile) return env;
  const [input] = await readInputs(varsFile, "--vars");
  return mergeVars(env, parseDotenv(input!.text, input!.name));
}
