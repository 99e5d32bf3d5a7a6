/** `npm run testenv -- <build|up|down|status> [flags]`: a real Kubernetes control plane and Flux for tests. */
import { parseArgs } from "node:util";
import { build } from "./build.ts";

const usage = "usage: npm run testenv -- <build|up|down|status> [--nodes N] [--dir D] [--only NAME] [--no-flux]";
const options = {
  only: { type: "string", multiple: true },
  nodes: { type: "string" },
  dir: { type: "string" },
  "no-flux": { type: "boolean" },
} as const;

const [cmd, ...rest] = Bun.argv.slice(2);
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
try {
  ({ values } = parseArgs({ args: rest, options, allowPositionals: false }));
} catch (e) {
  console.error(`testenv: ${(e as Error).message}\n${usage}`);
  process.exit(2);
}

async function run(): Promise<void> {
  switch (cmd) {
    case "build":
      await build({ only: values.only });
      break;
    case "up": {
      const { up } = await import("./up.ts");
      const env = await up({ nodes: Number(values.nodes ?? 2), dir: values.dir, flux: !values["no-flux"] });
      console.log(`export KUBECONFIG=${env.kubeconfig}`);
      break;
    }
    case "down": {
      const { down } = await import("./down.ts");
      await down(values.dir);
      break;
    }
    case "status": {
      const { status } = await import("./down.ts");
      await status(values.dir);
      break;
    }
    default:
      console.error(usage);
      process.exit(2);
  }
}

try {
  await run();
} catch (e) {
  // A failed step says what failed and where; a stack trace helps nobody running the test bed.
  console.error(`testenv ${cmd}: ${(e as Error).message}`);
  process.exit(1);
}
