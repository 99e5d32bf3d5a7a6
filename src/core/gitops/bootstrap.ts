/**
 * What `gitops bootstrap` writes into `<env>/flux/` (reference §3.4, the HEAD variant with Flux v1
 * APIs) and the steps it tells the user, as data. Keys are made by the caller and passed in.
 */
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { toMultiDocYaml, toYaml } from "../yaml.ts";
import { assertSafeName, isSafeName, join, layoutDirs } from "./paths.ts";
import type { FileChange } from "./split.ts";

/** The Flux release whose install manifest the bootstrap pins. */
export const fluxVersion = "v2.9.1";

export interface BootstrapOptions {
  /** undefined for a single-env repo (`--single-env`). */
  env?: string;
  repoUrl: string;
  branch: string;
  interval: string;
  noController: boolean;
  /** gimlet serve's public URL: adds a Provider + Alert and a Receiver. */
  server?: string;
  /** For ssh URLs. */
  deployKey?: { privateKeyPem: string; publicKey: string };
  /**
   * Names the Flux objects when another repo of the same env is synced into the same cluster (the
   * stack's infra repo next to the apps repo); default `gitops-repo-<env>`.
   */
  fluxName?: string;
}

export interface BootstrapPlan {
  files: FileChange[];
  /** The folder written, relative to the repo root. */
  fluxDir: string;
  secretFile: string;
  repoFile: string;
  installFile?: string;
  notificationsFile?: string;
  name: string;
  isSsh: boolean;
}

export interface ParsedRepoUrl {
  /** What goes into GitRepository.spec.url (`ssh://…` or `https://…`). */
  fluxUrl: string;
  host: string;
  isSsh: boolean;
}

/** `git@host:owner/repo.git`, `ssh://git@host/owner/repo`, or `http(s)://host/…`. */
export function parseRepoUrl(url: string): ParsedRepoUrl {
  const scp = /^([^@\s/]+)@([^:\s/]+):(.+)$/.exec(url);
  if (scp) return { fluxUrl: `ssh://${scp[1]}@${scp[2]}/${scp[3]}`, host: scp[2]!, isSsh: true };
  try {
    const u = new URL(url);
    if (u.protocol === "ssh:") return { fluxUrl: url, host: u.hostname, isSsh: true };
    if (u.protocol === "https:" || u.protocol === "http:") {
      if (u.username || u.password)
        throw new UserError("the gitops repo URL must not contain credentials", {
          path: "--gitops-repo-url",
          hint: "the token goes into the Secret, not the URL",
        });
      return { fluxUrl: url, host: u.hostname, isSsh: false };
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
  throw new UserError(`cannot read gitops repo URL ${JSON.stringify(url)}`, {
    path: "--gitops-repo-url",
    hint: "use git@host:owner/repo.git, ssh://git@host/owner/repo or https://host/owner/repo.git",
  });
}

export function planBootstrap(o: BootstrapOptions): BootstrapPlan {
  if (o.env !== undefined) assertSafeName(o.env, "env");
  if (!/^\d+(ms|s|m|h)$/.test(o.interval))
    throw new UserError(`invalid interval ${JSON.stringify(o.interval)}`, {
      path: "--interval",
      hint: "a Go duration such as 30s, 1m or 1h",
    });
  const repo = parseRepoUrl(o.repoUrl);
  if (repo.isSsh && !o.deployKey) throw new UserError("an ssh gitops repo needs a deploy key");
  const envDir = o.env ?? "";
  const fluxDir = join(envDir, layoutDirs.flux);
  const name = o.fluxName ?? (o.env ? `gitops-repo-${o.env}` : "gitops-repo");
  if (!isSafeName(name)) throw new UserError(`invalid Flux object name ${JSON.stringify(name)}`);
  const suffix = o.env ? `-${o.env}` : "";
  const ns = "flux-system";

  const gitRepository: KubeObject = {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name, namespace: ns },
    spec: {
      interval: o.interval,
      url: repo.fluxUrl,
      ref: { branch: o.branch },
      secretRef: { name },
      // Gimlet's own metadata and the credentials file are not for the cluster.
      ignore: `/**/.gimlet/\n/${join(fluxDir, `deploy-key${suffix}.yaml`)}\n`,
    },
  };
  const kustomization: KubeObject = {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name, namespace: ns },
    spec: { interval: "10m", path: `./${envDir}`, prune: true, sourceRef: { kind: "GitRepository", name } },
  };
  const secret: KubeObject = repo.isSsh
    ? {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ns },
        type: "Opaque",
        stringData: { identity: o.deployKey!.privateKeyPem, "identity.pub": o.deployKey!.publicKey, known_hosts: "" },
      }
    : {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: ns },
        type: "Opaque",
        stringData: { username: "gimlet", password: "REPLACE_WITH_A_READ_TOKEN" },
      };

  const files: FileChange[] = [];
  let installFile: string | undefined;
  if (!o.noController) {
    installFile = join(fluxDir, "flux-system", "kustomization.yaml");
    files.push({
      path: installFile,
      content: `---\n${toYaml({
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: [`https://github.com/fluxcd/flux2/releases/download/${fluxVersion}/install.yaml`],
      })}`,
    });
  }
  const repoFile = join(fluxDir, `gitops-repo${suffix}.yaml`);
  const secretFile = join(fluxDir, `deploy-key${suffix}.yaml`);
  files.push(
    { path: repoFile, content: toMultiDocYaml([gitRepository, kustomization]) },
    { path: secretFile, content: toMultiDocYaml([secret]) },
  );
  let notificationsFile: string | undefined;
  if (o.server) {
    notificationsFile = join(fluxDir, `notifications${suffix}.yaml`);
    files.push({ path: notificationsFile, content: toMultiDocYaml(notificationObjects(o.server, o.env, name)) });
  }
  return { files, fluxDir, secretFile, repoFile, installFile, notificationsFile, name, isSsh: repo.isSsh };
}

/**
 * A generic Provider posting to gimlet's `/api/flux-events` (token in a Secret, never in git), an
 * Alert on the env's objects, and a Receiver so a push can trigger a reconcile at once.
 */
function notificationObjects(server: string, env: string | undefined, name: string): KubeObject[] {
  const ns = "flux-system";
  const base = server.replace(/\/+$/, "");
  const address = `${base}/api/flux-events${env ? `?env=${encodeURIComponent(env)}` : ""}`;
  return [
    {
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Provider",
      metadata: { name: "gimlet", namespace: ns },
      spec: { type: "generic", address, secretRef: { name: "gimlet-flux-events" } },
    },
    {
      apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
      kind: "Alert",
      metadata: { name: "gimlet", namespace: ns },
      spec: {
        providerRef: { name: "gimlet" },
        eventSeverity: "info",
        eventSources: [
          { kind: "Kustomization", name },
          { kind: "GitRepository", name },
        ],
      },
    },
    {
      apiVersion: "notification.toolkit.fluxcd.io/v1",
      kind: "Receiver",
      metadata: { name, namespace: ns },
      spec: {
        type: "generic",
        secretRef: { name: "gimlet-receiver" },
        resources: [{ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", name }],
      },
    },
  ];
}

/** The numbered next steps, with kubectl commands in the order that works. */
export function bootstrapSteps(
  plan: BootstrapPlan,
  repoPath: string,
  committed: boolean,
  server?: string,
): { stdout: string; stderr: string } {
  const p = (f: string) => join(repoPath, f);
  const lines: string[] = [`✔️ GitOps configuration written to ${p(plan.fluxDir)}`];
  lines.push(
    committed
      ? "👉 1) Push the configuration to git"
      : "👉 1) Inspect the configuration files, then commit and push them to git",
  );
  let stdout = "";
  if (plan.isSsh) {
    lines.push("👉 2) Add the following deploy key to your Git provider (read access is enough):");
    stdout = `${(plan.files.find((f) => f.path === plan.secretFile)!.content.match(/identity\.pub: (.+)/)?.[1] ?? "").trim()}\n`;
    lines.push(`   then fill known_hosts in ${p(plan.secretFile)} (ssh-keyscan <host>)`);
  } else {
    lines.push(`👉 2) Put a read token for the repo in ${p(plan.secretFile)} (password field)`);
  }
  lines.push("👉 3) Apply the gitops manifests on the cluster to start the gitops loop:");
  if (plan.installFile) lines.push(`kubectl apply -k ${p(plan.installFile.replace(/\/kustomization\.yaml$/, ""))}`);
  lines.push(`kubectl apply -f ${p(plan.secretFile)}`);
  lines.push("kubectl wait --for condition=established --timeout=60s crd/gitrepositories.source.toolkit.fluxcd.io");
  lines.push("kubectl wait --for condition=established --timeout=60s crd/kustomizations.kustomize.toolkit.fluxcd.io");
  if (plan.notificationsFile) {
    lines.push(
      `kubectl -n flux-system create secret generic gimlet-flux-events --from-literal=headers='Authorization: Bearer <flux-role token from ${server}>'`,
    );
    lines.push("kubectl -n flux-system create secret generic gimlet-receiver --from-literal=token=<random token>");
  }
  lines.push(`kubectl apply -f ${p(plan.repoFile)}`);
  lines.push("         Happy Gitopsing🎊");
  return { stdout, stderr: lines.join("\n") + "\n" };
}
