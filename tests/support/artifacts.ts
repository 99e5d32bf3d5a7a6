/** Artifact bodies shared by tests that push releases of one app. */

/** An artifact of acme/web at `sha` for the staging env, deploying nginx:`tag` on every push to main. */
export function webArtifact(sha: string, tag: string) {
  return {
    version: {
      repositoryName: "acme/web",
      sha,
      branch: "main",
      event: "push",
      message: sha,
      url: "https://x",
      created: 1700000000,
    },
    environments: [
      {
        app: "web",
        env: "staging",
        namespace: "default",
        deploy: { branch: "main", event: "push" },
        values: { image: { repository: "nginx", tag } },
      },
    ],
  };
}
