import { type ComponentType, lazy, type LazyExoticComponent } from "react";
import { TRADING } from "../lib/landing";

/**
 * Every screen of the app, in one table the shell turns into routes and navigation. Screens load
 * lazily, so the first page pays only for itself; `roles` limits who sees a screen.
 *
 * `roles` only hides the navigation entry: the server refuses the operations to anyone else.
 */
export interface AppRoute {
  path: string;
  title: string;
  /** Shown in the top navigation under this label. */
  nav?: string;
  /** Needs a signed-in user; with roles, one of them. */
  auth: boolean;
  roles?: readonly string[];
  component: LazyExoticComponent<ComponentType>;
  /** Full-bleed (the playground uses the whole window). */
  wide?: boolean;
}

const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));

export const ROUTES: AppRoute[] = [
  { path: "/login", title: "Sign in", auth: false, component: page(() => import("../features/auth/LoginPage"), "LoginPage") },
  { path: "/register", title: "Create account", auth: false, component: page(() => import("../features/auth/RegisterPage"), "RegisterPage") },
  { path: "/forgot-password", title: "Forgot password", auth: false, component: page(() => import("../features/auth/ForgotPasswordPage"), "ForgotPasswordPage") },
  { path: "/reset-password", title: "Choose a new password", auth: false, component: page(() => import("../features/auth/ResetPasswordPage"), "ResetPasswordPage") },
  { path: "/portfolios", title: "Portfolios", nav: "Portfolios", auth: true, roles: TRADING, component: page(() => import("../features/portfolio/PortfoliosPage"), "PortfoliosPage") },
  { path: "/portfolios/:id", title: "Portfolio", auth: true, component: page(() => import("../features/portfolio/PortfolioDashboard"), "PortfolioDashboard") },
  { path: "/trade/:symbol?", title: "Trade", nav: "Trade", auth: true, roles: TRADING, component: page(() => import("../features/trade/TradePage"), "TradePage") },
  { path: "/markets", title: "Markets", nav: "Markets", auth: false, component: page(() => import("../features/market/MarketsPage"), "MarketsPage") },
  { path: "/account", title: "Account", nav: "Account", auth: true, component: page(() => import("../features/account/AccountPage"), "AccountPage") },
  { path: "/verification", title: "Identity verification", nav: "Verification", auth: true, component: page(() => import("../features/compliance/KycPage"), "KycPage") },
  { path: "/compliance", title: "Compliance", nav: "Compliance", auth: true, roles: ["COMPLIANCE_OFFICER"], component: page(() => import("../features/compliance/CompliancePage"), "CompliancePage") },
  { path: "/compliance/customers/:userId", title: "Customer file", auth: true, roles: ["COMPLIANCE_OFFICER"], component: page(() => import("../features/compliance/CustomerPage"), "CustomerPage") },
  { path: "/audit", title: "Audit log", nav: "Audit", auth: true, roles: ["ADMIN", "COMPLIANCE_OFFICER"], component: page(() => import("../features/compliance/AuditPage"), "AuditPage") },
  // wagmi, viem and react-query load with this screen only.
  { path: "/wallet", title: "Wallet", nav: "Wallet", auth: true, roles: TRADING, component: page(() => import("../features/wallet/WalletPage"), "WalletPage") },
  { path: "/analytics", title: "Analytics", nav: "Analytics", auth: true, roles: ["ANALYST", "ADMIN"], component: page(() => import("../features/analytics/AnalyticsPage"), "AnalyticsPage") },
  { path: "/playground", title: "Playground", nav: "Playground", auth: false, wide: true, component: lazy(() => import("../features/playground/Playground")) },
];

/** Whether a user with `roles` may open `route` (a screen without roles is for everyone signed in). */
export const mayOpen = (route: AppRoute, roles: readonly string[]) => !route.roles || route.roles.some((role) => roles.includes(role));

/** Where a path's nav entry points: "/trade/:symbol?" -> "/trade". */
export const navTarget = (route: AppRoute) => route.path.replace(/\/:.*$/, "");
