/**
 * `gimlet seal`: SealedSecrets for Bitnami's controller (reference §1.3). Two forms:
 * a Secret or literals → a `bitnami.com/v1alpha1` SealedSecret; or `-p values.sealedSecrets`:
 * the plain values at that path of a manifest sealed in place, sealed ones left alone.
 * The certificate comes from `--cert`, or like kubeseal from the controller through the API server
 * (`--controller`, default kube-system/sealed-secrets-controller).
 */
import { defineCommand } from "citty";
import { isPlainObject } from "../core/k8s.ts";
import { UserError } from "../core/errors.ts";
import { parseScope, sealingLabel, checkTarget } from "../core/seal/index.ts";
import { sealValuesAt } from "../core/seal/values.ts";
import { parseYamlAll, toMultiDocYaml } from "../core/yaml.ts";
import { isSealedFor, sealSecret, sealValue, sealingKey, type SealingKey } from "../ops/seal.ts";
import { certificateSource, loadCertificate } from "./seal-cert.ts";
import { keyValue, repeatedFlag } from "./flags.ts";
import { readInputs, stderr, stdout, writeFileAtomic } from "./io.ts";

const stringMap = (v: unknown): Record<string, string> | undefined =>
  isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : undefined;

export default defineCommand({
  meta: {
    name: "seal",
    description:
      "Seal secrets for the sealed-secrets controller: a SealedSecret, or the plain values at -p in a manifest, in place",
  },
  args: {
    cert: {
      type: "string",
      alias: "k",
      description:
        "The controller's certificate (or RSA public key): PEM file or URL (env SEALED_SECRETS_CERT); default: fetched",
      valueHint: "CERT.pem",
    },
    controller: {
      type: "string",
      description:
        "Fetch the certificate from this controller's Service through the API server (default kube-system/sealed-secrets-controller)",
      valueHint: "NS/NAME",
    },
    "controller-namespace": {
      type: "string",
      description: "kubeseal's form of --controller: its namespace (env SEALED_SECRETS_CONTROLLER_NAMESPACE)",
      valueHint: "NS",
    },
    "controller-name": {
      type: "string",
      description: "kubeseal's form of --controller: its Service's name (env SEALED_SECRETS_CONTROLLER_NAME)",
      valueHint: "NAME",
    },
    "fetch-cert": { type: "boolean", description: "Print the certificate (PEM) and stop: keep it for --cert" },
    kubeconfig: {
      type: "string",
      description: "Kubeconfig for fetching (default: KUBECONFIG, in-cluster, ~/.kube/config)",
      valueHint: "FILE",
    },
    context: {
      type: "string",
      description: "The kubeconfig's context to use (default its current-context)",
      valueHint: "NAME",
    },
    timeout: { type: "string", description: "How long fetching may take (default 30s)", valueHint: "DURATION" },
    file: {
      type: "string",
      alias: "f",
      description: "A Secret to seal, or with -p a manifest: file, directory or -",
      valueHint: "FILE|DIR|-",
    },
    path: {
      type: "string",
      alias: "p",
      description: "Map of plain values to seal in place, e.g. values.sealedSecrets (repeatable)",
      valueHint: "PATH",
    },
    "from-literal": { type: "string", description: "key=value to seal (repeatable)", valueHint: "KEY=VALUE" },
    name: { type: "string", description: "Name of the Secret the controller makes (default: the Secret's)" },
    namespace: { type: "string", description: "Its namespace (default: the Secret's)" },
    scope: {
      type: "string",
      description:
        "strict (name and namespace), namespace-wide or cluster-wide; default strict, with -p cluster-wide as the original",
      valueHint: "SCOPE",
    },
    output: {
      type: "string",
      alias: "o",
      description: "Write here (with -p: - for stdout; default in place)",
      valueHint: "FILE|-",
    },
  },
  async run({ args, rawArgs }) {
    const literals = repeatedFlag(rawArgs, ["--from-literal"]);
    const source = certificateSource(args, process.env);
    if (args["fetch-cert"]) {
      const { pem, where } = await loadCertificate(source);
      await sealingKey(pem, where);
      await stdout(pem);
      return;
    }
    // Fetched once, after the other flags are checked: a typo is reported before any network wait.
    let loaded: Promise<SealingKey> | undefined;
    const getKey = () => (loaded ??= loadCertificate(source).then(({ pem, where }) => sealingKey(pem, where)));
    const paths = repeatedFlag(rawArgs, ["-p", "--path"]).flatMap((p) => p.split(","));
    if (paths.length) {
      if (!args.file) throw new UserError("-p seals values inside a file: give it with -f", { path: "-f" });
      if (literals.length)
        throw new UserError("--from-literal makes a SealedSecret; it does not go with -p", { path: "--from-literal" });
      const scope = parseScope(args.scope, "cluster-wide");
      checkTarget(scope, args.namespace, args.name);
      const label = sealingLabel(scope, args.namespace ?? "", args.name ?? "");
      const inputs = await readInputs(args.file);
      const key = await getKey();
      // Every file is sealed before any is written: a bad one leaves all as they were.
      const done = [];
      for (const i of inputs) {
        const r = await sealValuesAt(
          i.text,
          i.name,
          paths,
          (_k, v) => sealValue(key, new TextEncoder().encode(v), label),
          isSealedFor(key),
        );
        done.push({ input: i, r });
      }
      for (const { input, r } of done) {
        if (args.output === "-" || input.name === "<stdin>") await stdout(r.text);
        else if (args.output)
          await writeFileAtomic(
            inputs.length > 1 ? `${args.output}/${input.name.split("/").at(-1)}` : args.output,
            r.text,
          );
        else if (r.sealed.length) await writeFileAtomic(input.name, r.text);
        await stderr(
          `${input.name}: sealed ${r.sealed.length} value${r.sealed.length === 1 ? "" : "s"}${r.kept.length ? `, ${r.kept.length} already sealed` : ""}\n`,
        );
      }
      return;
    }
    const data: Record<string, Uint8Array> = {};
    let secret: Record<string, unknown> | undefined;
    if (args.file) {
      const [input, ...rest] = await readInputs(args.file);
      const docs = parseYamlAll(input!.text, input!.name).filter((d) => d != null);
      if (rest.length || docs.length !== 1 || !isPlainObject(docs[0]) || docs[0].kind !== "Secret") {
        throw new UserError(`${args.file} must hold exactly one Secret`, {
          path: "-f",
          hint: "or seal values in place with -p PATH",
        });
      }
      secret = docs[0];
      for (const [k, v] of Object.entries(isPlainObject(secret.data) ? secret.data : {})) {
        const s = String(v);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4)
          throw new UserError(`${input!.name}: data.${k} is not base64`, {
            path: `data.${k}`,
            hint: "put plain values under stringData",
          });
        data[k] = Uint8Array.from(Buffer.from(s, "base64"));
      }
      for (const [k, v] of Object.entries(isPlainObject(secret.stringData) ? secret.stringData : {}))
        data[k] = new TextEncoder().encode(String(v));
    }
    for (const lit of literals) {
      const [key, value] = keyValue(lit, "--from-literal");
      data[key] = new TextEncoder().encode(value);
    }
    if (Object.keys(data).length === 0)
      throw new UserError("nothing to seal", {
        path: "-f",
        hint: "give a Secret with -f, values with --from-literal k=v, or -p PATH with -f",
      });
    const meta = secret && isPlainObject(secret.metadata) ? secret.metadata : {};
    const name = args.name ?? (typeof meta.name === "string" ? meta.name : undefined);
    const namespace = args.namespace ?? (typeof meta.namespace === "string" ? meta.namespace : undefined);
    if (!name) throw new UserError("the SealedSecret needs a name", { path: "--name" });
    const scope = parseScope(args.scope, "strict");
    checkTarget(scope, namespace, name);
    const sealed = await sealSecret(await getKey(), {
      name,
      namespace,
      scope,
      data,
      type: typeof secret?.type === "string" ? secret.type : undefined,
      labels: stringMap(meta.labels),
      annotations: stringMap(meta.annotations),
    });
    const yaml = toMultiDocYaml([sealed]);
    if (args.output && args.output !== "-") await writeFileAtomic(args.output, yaml);
    else await stdout(yaml);
  },
});
