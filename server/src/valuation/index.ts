export { ValuationEngine, type ValuationOptions } from "./valuation.engine";
