export { AnalyticsService } from "./analytics.service";
export { AnalyticsResolver } from "./analytics.resolver";
export { BehaviourService, type BehaviourSettings } from "./behaviour.service";
export { BehaviourResolver } from "./behaviour.resolver";
export { BehaviourFeature, BehaviourProfile } from "./behaviour.types";
