/** `npm run testenv -- <build|up|down|status> [flags]`: a real Kubernetes control plane and Flux for tests. */
import { parseArgs } from "node:util";
import { build } from "./build.ts";

const [cmd, ...rest] = Bun.argv.slice(2);
const { values } = parseArgs({ args: rest, options: { only: { type: "string", multiple: true }, nodes: { type: "string" }, dir: { type: "string" }, "no-flux": { type: "boolean" } }, allowPositionals: false });

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
    console.error("usage: npm run testenv -- <build|up|down|status> [--nodes N] [--dir D] [--only NAME]");
    process.exit(2);
}
