/** The pod and its containers, as onechart's common library builds them. */
import { clone, name, robustName as robust, scalar, str, truthy, type ChartContext, type Values } from "./names.ts";
import { mergeOverwrite } from "./values.ts";

type Obj = Record<string, unknown>;

const prefixed = (n: unknown, ...ps: string[]) => typeof n === "string" && ps.some((p) => n.startsWith(p));

export function envFrom(ctx: ChartContext): Obj[] | undefined {
  const v = ctx.values;
  if (
    !(
      truthy(v.vars) ||
      truthy(v.secretEnabled) ||
      truthy(v.sealedSecrets) ||
      truthy(v.secretName) ||
      truthy(v.existingConfigMaps) ||
      truthy(v.existingSecrets)
    )
  )
    return undefined;
  const out: Obj[] = [];
  if (truthy(v.vars)) out.push({ configMapRef: { name: name(ctx) } });
  for (const s of (v.existingSecrets as Values[] | undefined) ?? [])
    out.push({ secretRef: { name: scalar(s.name), optional: truthy(s.optional) ? s.optional : false } });
  for (const c of (v.existingConfigMaps as Values[] | undefined) ?? [])
    out.push({ configMapRef: { name: scalar(c.name), optional: truthy(c.optional) ? c.optional : false } });
  if (truthy(v.secretEnabled)) out.push({ secretRef: { name: name(ctx) } });
  if (truthy(v.secretName)) out.push({ secretRef: { name: scalar(v.secretName) } });
  if (truthy(v.sealedSecrets)) out.push({ secretRef: { name: name(ctx) } });
  return out;
}

function mount(m: Values, readOnly: boolean): Obj {
  return {
    name: scalar(m.name),
    mountPath: scalar(m.path),
    ...(truthy(m.subPath) ? { subPath: scalar(m.subPath) } : {}),
    ...(readOnly ? { readOnly: true } : {}),
  };
}

export function volumeMounts(ctx: ChartContext): Obj[] | undefined {
  const v = ctx.values;
  if (!(truthy(v.volumes) || truthy(v.sealedFileSecrets) || truthy(v.fileSecrets) || truthy(v.existingFileSecrets)))
    return undefined;
  return [
    ...((v.volumes as Values[] | undefined) ?? [])
      .filter((x) => !prefixed(x.name, "init-"))
      .map((x) => mount(x, false)),
    ...((v.sealedFileSecrets as Values[] | undefined) ?? []).map((x) => mount(x, true)),
    ...((v.fileSecrets as Values[] | undefined) ?? []).map((x) => mount(x, true)),
    ...((v.existingFileSecrets as Values[] | undefined) ?? []).map((x) => mount(x, true)),
  ];
}

export function volumes(ctx: ChartContext): Obj[] | undefined {
  const v = ctx.values;
  if (!(truthy(v.volumes) || truthy(v.sealedFileSecrets) || truthy(v.fileSecrets) || truthy(v.existingFileSecrets)))
    return undefined;
  const rel = ctx.release;
  const out: Obj[] = [];
  for (const vol of (v.volumes as Values[] | undefined) ?? []) {
    const base = { name: scalar(vol.name) };
    if (truthy(vol.emptyDir)) out.push({ ...base, emptyDir: {} });
    else if (truthy(vol.existingConfigMap)) out.push({ ...base, configMap: { name: scalar(vol.existingConfigMap) } });
    else if (truthy(vol.existingSecret)) out.push({ ...base, secret: { secretName: scalar(vol.existingSecret) } });
    else if (truthy(vol.fileName)) out.push({ ...base, configMap: { name: robust(`${rel}-${str(vol.name)}`) } });
    else if (truthy(vol.hostPath))
      out.push({
        ...base,
        hostPath: {
          path: scalar(vol.hostPath.path),
          ...(truthy(vol.hostPath.type) ? { type: scalar(vol.hostPath.type) } : {}),
        },
      });
    // The claim of a chart-made PVC is named from the raw release name (the PVC from its robust name), as onechart does.
    else
      out.push({
        ...base,
        persistentVolumeClaim: {
          claimName: truthy(vol.existingClaim) ? scalar(vol.existingClaim) : scalar(`${rel}-${str(vol.name)}`),
        },
      });
  }
  for (const s of (v.sealedFileSecrets as Values[] | undefined) ?? [])
    out.push({ name: scalar(s.name), secret: { secretName: scalar(`${rel}-${str(s.name)}`) } });
  for (const s of (v.fileSecrets as Values[] | undefined) ?? [])
    out.push({ name: scalar(s.name), secret: { secretName: scalar(`${rel}-${str(s.name)}`) } });
  for (const s of (v.existingFileSecrets as Values[] | undefined) ?? [])
    out.push({ name: scalar(s.name), secret: { secretName: scalar(s.name) } });
  return out;
}

function command(shell: unknown, cmd: unknown): unknown[] {
  return [scalar(shell), "-c", str(cmd)];
}

function probe(p: Values, port: unknown): Obj {
  return {
    httpGet: { path: scalar(p.path), port: scalar(port), scheme: "HTTP" },
    ...clone((p.settings as Obj | undefined) ?? {}),
  };
}

/** The app container before `container:` values are merged over it. */
function mainContainer(ctx: ChartContext): Values {
  const v = ctx.values;
  const c: Values = {
    name: name(ctx),
    securityContext: clone(v.securityContext ?? null),
    image: `${str(v.image?.repository)}:${str(truthy(v.image?.tag) ? v.image.tag : "")}`,
    imagePullPolicy: scalar(v.image?.pullPolicy),
  };
  if (truthy(v.command)) c.command = command(v.shell, v.command);
  c.ports = truthy(v.ports)
    ? (v.ports as Values[]).map((p) => ({
        name: scalar(p.name),
        containerPort: scalar(p.containerPort),
        protocol: "TCP",
      }))
    : [{ name: "http", containerPort: scalar(v.containerPort), protocol: "TCP" }];
  if (truthy(v.probe?.enabled)) c.readinessProbe = probe(v.probe, v.containerPort);
  if (truthy(v.livenessProbe?.enabled)) c.livenessProbe = probe(v.livenessProbe, v.containerPort);
  if (!truthy(v.resources?.ignore))
    c.resources = truthy(v.resources?.ignoreLimits)
      ? { requests: clone(v.resources.requests ?? null) }
      : clone(v.resources ?? null);
  return c;
}

function withRefs(c: Values, ctx: ChartContext): Values {
  const e = envFrom(ctx);
  const m = volumeMounts(ctx);
  return { ...c, ...(e ? { envFrom: e } : {}), ...(m ? { volumeMounts: m } : {}) };
}

function initContainers(ctx: ChartContext): Obj[] {
  const v = ctx.values;
  return ((v.initContainers as Values[] | undefined) ?? []).map((ic) => {
    const e = envFrom(ctx);
    const mounts = ((v.volumes as Values[] | undefined) ?? [])
      .filter((x) => prefixed(x.name, "shared-", "init-"))
      .map((x) => ({ mountPath: scalar(x.path), name: scalar(x.name) }));
    return {
      name: scalar(ic.name),
      image: `${str(ic.image)}:${str(ic.tag)}`,
      imagePullPolicy: truthy(ic.imagePullPolicy) ? scalar(ic.imagePullPolicy) : "IfNotPresent",
      ...(e ? { envFrom: e } : {}),
      ...(truthy(ic.command) ? { command: command(v.shell, ic.command) } : {}),
      ...(mounts.length ? { volumeMounts: mounts } : {}),
      ...(truthy(ic.securityContext) ? { securityContext: clone(ic.securityContext) } : {}),
    };
  });
}

/** The pod spec of onechart's Deployment, `podSpec:` values merged over it. */
export function podSpec(ctx: ChartContext): Values {
  const v = ctx.values;
  const spec: Values = {};
  if (truthy(v.imagePullSecrets))
    spec.imagePullSecrets = (v.imagePullSecrets as unknown[]).map((n) => ({ name: scalar(n) }));
  spec.securityContext = clone(v.podSecurityContext ?? null);
  if (truthy(v.serviceAccount)) spec.serviceAccountName = scalar(v.serviceAccount);
  const inits = initContainers(ctx);
  if (inits.length) spec.initContainers = inits;
  const containers: Values[] = [withRefs(mergeOverwrite(mainContainer(ctx), v.container as Values | undefined), ctx)];
  if (truthy(v.sidecar)) {
    const sc = v.sidecar as Values;
    containers.push(
      withRefs(
        {
          name: `${name(ctx)}-sidecar`,
          securityContext: clone(v.securityContext ?? null),
          image: `${str(sc.repository)}:${str(sc.tag)}`,
          ...(truthy(sc.command) ? { command: command(sc.shell, sc.command) } : {}),
        },
        ctx,
      ),
    );
  }
  spec.containers = containers;
  const vols = volumes(ctx);
  if (vols) spec.volumes = vols;
  if (truthy(v.nodeSelector)) spec.nodeSelector = clone(v.nodeSelector);
  if (truthy(v.spreadAcrossNodes) || truthy(v.affinity)) {
    const aff: Values = {};
    if (truthy(v.spreadAcrossNodes)) {
      aff.podAntiAffinity = {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "In", values: [name(ctx)] }],
            },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      };
    }
    if (truthy(v.affinity)) Object.assign(aff, clone(v.affinity));
    spec.affinity = aff;
  }
  if (truthy(v.tolerations)) spec.tolerations = clone(v.tolerations);
  return mergeOverwrite(spec, v.podSpec as Values | undefined);
}
