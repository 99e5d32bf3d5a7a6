/** The one image that runs every in-cluster role (`gimlet serve`, `gimlet agent`), built by scripts/image.ts. */

export const imageRepository = "ghcr.io/gimlet-io/gimlet";

/** The image of this release: the manifests' default when no `--image` is given. */
export function defaultImage(version: string): string {
  return `${imageRepository}:${version}`;
}

/** The image's non-root user (also its /etc/passwd entry); manifests run as it. */
export const imageUser = 65532;
