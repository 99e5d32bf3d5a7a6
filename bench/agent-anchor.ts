/**
 * The anchor for bench/agent.ts: plain client-node informers (full objects, as most tools keep
 * them) over the kinds the agent watches. Prints {rss, pods, seconds} once the pod cache holds
 * the expected count.   bun bench/agent-anchor.ts KUBECONFIG PODS
 */
import * as k8s from "@kubernetes/client-node";

const [kubeconfig, want] = [Bun.argv[2]!, Number(Bun.argv[3])];
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const net = kc.makeApiClient(k8s.NetworkingV1Api);
const t0 = performance.now();
const informers = [
  k8s.makeInformer(kc, "/api/v1/pods", () => core.listPodForAllNamespaces()),
  k8s.makeInformer(kc, "/api/v1/services", () => core.listServiceForAllNamespaces()),
  // makeInformer has no field selector in 1.4.0; ListWatch (what it wraps) does.
  new k8s.ListWatch(
    "/api/v1/events",
    new k8s.Watch(kc),
    () => core.listEventForAllNamespaces({ fieldSelector: "type=Warning" }),
    false,
    undefined,
    "type=Warning",
  ),
  k8s.makeInformer(kc, "/apis/apps/v1/deployments", () => apps.listDeploymentForAllNamespaces()),
  k8s.makeInformer(kc, "/apis/apps/v1/replicasets", () => apps.listReplicaSetForAllNamespaces()),
  k8s.makeInformer(kc, "/apis/apps/v1/statefulsets", () => apps.listStatefulSetForAllNamespaces()),
  k8s.makeInformer(kc, "/apis/networking.k8s.io/v1/ingresses", () => net.listIngressForAllNamespaces()),
];
await Promise.all(informers.map((i) => i.start()));
while (informers[0]!.list().length < want) await Bun.sleep(200);
const seconds = (performance.now() - t0) / 1000;
await Bun.sleep(5000);
Bun.gc(true);
const rss = Number(/VmRSS:\s+(\d+)/.exec(await Bun.file("/proc/self/status").text())![1]) / 1024;
console.log(JSON.stringify({ rss, pods: informers[0]!.list().length, seconds }));
process.exit(0);
