/** Template variables the golden manifests are rendered with. */
export const goldenVars = { SHA: "0123456789abcdef0123456789abcdef01234567", BRANCH: "feature/Login_Page", REPO: "acme/web", TAG: "1.36" };
