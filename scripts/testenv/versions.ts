/** Pinned versions of the real control plane and Flux built for tests (reference tech-notes §7). */
export const versions = {
  kubernetes: "v1.36.3",
  etcd: "v3.6.16",
  kwok: "v0.8.0",
  sourceController: "v1.9.0",
  kustomizeController: "v1.9.4",
  helmController: "v1.6.1",
  notificationController: "v1.9.2",
  /** Not in versionsKey: its binary carries the version in its name, so a bump adds a binary. */
  sealedSecrets: "v0.27.1",
};

/** One directory per version set, so a bump builds afresh and old binaries stay usable. */
export function versionsKey(): string {
  return `k8s-${versions.kubernetes}_etcd-${versions.etcd}_kwok-${versions.kwok}_flux-${versions.sourceController}-${versions.kustomizeController}-${versions.helmController}-${versions.notificationController}`;
}

export interface Component {
  name: string;
  module: string;
  version: string;
  /** Main package(s) to build, and the binary name for each. */
  packages: { pkg: string; bin: string }[];
  /** Go -ldflags. */
  ldflags?: string;
  /** Module zips whose config/crd/bases hold CRDs to keep. */
  crds?: boolean;
  /** CRDs kept apart from `crds/` (which `up` applies to every cluster): module dir → bin subdir. */
  extraCrds?: { from: string; to: string };
}

const k = versions.kubernetes;
const minor = k.split(".")[1];
const kubeLdflags = `-s -w -X k8s.io/component-base/version.gitVersion=${k} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean`;

export const components: Component[] = [
  {
    name: "kubernetes",
    module: "k8s.io/kubernetes",
    version: k,
    packages: ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"].map((b) => ({
      pkg: `k8s.io/kubernetes/cmd/${b}`,
      bin: b,
    })),
    ldflags: kubeLdflags,
  },
  {
    name: "etcd",
    module: "go.etcd.io/etcd/server/v3",
    version: versions.etcd,
    packages: [{ pkg: "go.etcd.io/etcd/server/v3", bin: "etcd" }],
    ldflags: "-s -w",
  },
  {
    name: "kwok",
    module: "sigs.k8s.io/kwok",
    version: versions.kwok,
    packages: [{ pkg: "sigs.k8s.io/kwok/cmd/kwok", bin: "kwok" }],
    ldflags: "-s -w",
  },
  {
    name: "source-controller",
    module: "github.com/fluxcd/source-controller",
    version: versions.sourceController,
    packages: [{ pkg: "github.com/fluxcd/source-controller", bin: "source-controller" }],
    ldflags: "-s -w",
    crds: true,
  },
  {
    name: "kustomize-controller",
    module: "github.com/fluxcd/kustomize-controller",
    version: versions.kustomizeController,
    packages: [{ pkg: "github.com/fluxcd/kustomize-controller", bin: "kustomize-controller" }],
    ldflags: "-s -w",
    crds: true,
  },
  {
    name: "helm-controller",
    module: "github.com/fluxcd/helm-controller",
    version: versions.helmController,
    packages: [{ pkg: "github.com/fluxcd/helm-controller", bin: "helm-controller" }],
    ldflags: "-s -w",
    crds: true,
  },
  {
    name: "notification-controller",
    module: "github.com/fluxcd/notification-controller",
    version: versions.notificationController,
    packages: [{ pkg: "github.com/fluxcd/notification-controller", bin: "notification-controller" }],
    ldflags: "-s -w",
    crds: true,
  },
  // v0.27.1: later tags declare the module path github.com/bitnami/sealed-secrets, which the proxy does not serve.
  {
    name: "sealed-secrets-controller",
    module: "github.com/bitnami-labs/sealed-secrets",
    version: versions.sealedSecrets,
    packages: [
      {
        pkg: "github.com/bitnami-labs/sealed-secrets/cmd/controller",
        bin: `sealed-secrets-controller-${versions.sealedSecrets}`,
      },
      // The CLI of the same module: the cluster tests check gimlet seal against it, both ways.
      { pkg: "github.com/bitnami-labs/sealed-secrets/cmd/kubeseal", bin: `kubeseal-${versions.sealedSecrets}` },
    ],
    ldflags: "-s -w",
    extraCrds: { from: "helm/sealed-secrets/crds", to: `crds-sealed-secrets-${versions.sealedSecrets}` },
  },
];
