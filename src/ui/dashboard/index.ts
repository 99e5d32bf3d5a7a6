/** @module The dashboard's pages and fragments: pure functions of props (routes/pages.ts renders them). */
export { ActivityList, ActivityPage, type ActivityFilter, type ActivityItem } from "./activity.tsx";
export { AppPage, LiveCard } from "./app.tsx";
export { History, rolloutOf, type ReleaseEntry } from "./history.tsx";
export { RollbackConfirm } from "./rollback.tsx";
export { Timeline, took } from "./timeline.tsx";
export { ErrorBox } from "./bits.tsx";
export {
  ActionPage,
  DetailsResult,
  DetailsView,
  FluxCard,
  ReconcileResult,
  parseDetails,
  type ObjectDetails,
} from "./details.tsx";
export { AppsTable, EnvPage } from "./env.tsx";
export { EnvCards, EnvsPage, type EnvSummary } from "./envs.tsx";
export { assetPrefix, fragment, page, type Viewer } from "./layout.tsx";
export { ErrorPage, LoginPage } from "./login.tsx";
export * from "./model.ts";
export { SettingsPage, type NotificationsView, type SettingsUser } from "./settings.tsx";
export { EnvDeleteConfirm, UserDeleteConfirm } from "./settings-delete.tsx";
export {
  RepoCommits,
  RepoPage,
  ReposIndexPage,
  BranchOptions,
  ReposList,
  repoLive,
  repoPath,
  type CommitView,
  type RepoPageProps,
  type RepoSummaryView,
} from "./repos.tsx";
export {
  DeployConfirm,
  ReleaseFollowPage,
  ReleaseProgress,
  followPath,
  releaseStage,
  type FollowView,
} from "./deploy.tsx";
export { containersOf, LogLines, LogsForm, LogsPanel, type LogOptionsView } from "./logs.tsx";
