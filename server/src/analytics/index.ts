export { AnalyticsService } from "./analytics.service";
export { AnalyticsResolver } from "./analytics.resolver";
