/** @module Git smart HTTP, server side: upload-pack (v0, v2) and receive-pack over our object store. */
export { advertiseUploadPack, replyStream, uploadPack, type Reply } from "./upload-pack.ts";
export { advertiseReceivePack, receivePack, validRefName } from "./receive-pack.ts";
export { defaultLimits, LimitError, type GitLimits } from "./limits.ts";
export { quarantinePrefix } from "./quarantine.ts";
