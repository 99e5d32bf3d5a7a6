/**
 * Git host webhooks: a deleted branch queues cleanup (branchDeleted). A delivery id is acted on once;
 * a replay or redelivery gets the first answer.
 */
import type { OpsDeps } from "./deps.ts";
import { row } from "./queue.ts";

export type BranchDeletionResult = { duplicate: true; id?: string } | { ignored: true } | { queued: true; id: string };

/**
 * Records a delivery. With `branch` (a branch deletion was recognized) the cleanup is queued in the
 * same transaction as the delivery, so a crash cannot record one without the other.
 */
export async function receiveBranchDeletion(
  d: OpsDeps,
  input: { delivery?: string; repository?: string; branch?: string },
): Promise<BranchDeletionResult> {
  const { delivery, repository, branch } = input;
  const seen = delivery === undefined ? undefined : await d.store.requests.delivery(delivery);
  if (seen !== undefined) return { duplicate: true, ...(seen ? { id: seen } : {}) };
  if (!repository || !branch) {
    if (delivery !== undefined) await d.store.requests.recordDelivery(delivery, "");
    return { ignored: true };
  }
  const id = crypto.randomUUID();
  const request = { type: "branchDeleted" as const, repository, branch };
  await d.store.transaction(async (tx) => {
    await tx.insertEvent(row(id, request));
    if (delivery !== undefined) await tx.requests.recordDelivery(delivery, id);
  });
  d.onQueued?.(id, request);
  return { queued: true, id };
}
