/** @module Gitops repositories on isomorphic-git: atomic writes, history, rollback, remotes. */
export { openRepo, initRepo, currentBranch, branchHead, type GitRepo, type Author } from "./repo.ts";
export { gitFs, tmpObjectInfix } from "./atomic-fs.ts";
export { GitopsRepo, type GitopsRepoOptions, type WriteResult } from "./gitops-repo.ts";
export { HistoryIndex, type IndexedCommit } from "./history-index.ts";
export type { HistoryQuery } from "./history.ts";
export { releaseStatus as releaseStatusAt } from "./history.ts";
export { loadStatusSnapshot, saveStatusSnapshot, type StatusSnapshot } from "./status-snapshot.ts";
export { cloneBare, fetchBranch, pushBranch, type Remote } from "./remote.ts";
export type { RemoteAuth } from "./remote-auth.ts";
export type { RollbackRequest } from "./rollback.ts";
export { readText } from "./tree.ts";
export { filesAt, previewRollback, type RollbackPreview } from "./preview.ts";
export { generateDeployKey } from "./deploy-key.ts";
export { advertiseReceivePack, advertiseUploadPack, receivePack, replyStream, uploadPack } from "./serve/index.ts";
export { defaultLimits, LimitError, quarantinePrefix, type GitLimits } from "./serve/index.ts";
export { ProtocolError } from "./pktline.ts";
export { refFormatProblem, validRefName } from "./refname.ts";
