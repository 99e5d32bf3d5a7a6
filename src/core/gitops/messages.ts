/** Commit messages, exactly as the original writes and recognises them (reference Appendix A). */

export const commitMessages = {
  deploy: (env: string, app: string) => `[Gimlet] ${env}/${app} automated deploy`,
  cliWrite: (env: string, app: string, message: string) => `[Gimlet] ${env}/${app} ${message}`.trimEnd(),
  serverDelete: (env: string, app: string, by: string) => `[GimletD delete] ${env}/${app} deleted by ${by}`,
  cliDelete: (env: string, app: string, message: string) => `[Gimlet CLI delete] ${env}/${app} ${message}`.trimEnd(),
  bootstrap: (env: string | undefined) => (env ? `[Gimlet CLI] Bootstrapping ${env}` : "[Gimlet CLI] Bootstrapping"),
};

/** git's own revert message, so `git log`, `git revert` and our history read it alike. */
export function revertMessage(subject: string, sha: string): string {
  return `Revert "${subject}"\n\nThis reverts commit ${sha}.\n`;
}

const revertRe = /This reverts commit ([0-9a-f]{40})/;

/** The sha a revert commit reverts, or undefined. */
export function revertedSha(message: string): string | undefined {
  return revertRe.exec(message)?.[1];
}

/** Delete commits (server, CLI, and HEAD's `[Gimlet] … deleted by …`) are not releases. */
export function isDeleteMessage(message: string): boolean {
  return (
    message.startsWith("[GimletD delete]") ||
    message.startsWith("[Gimlet CLI delete]") ||
    /^\[Gimlet\] \S+ deleted by /.test(message)
  );
}

export const defaultAuthor = { name: "Gimlet", email: "gimlet@gimlet.io" };
