import type { ApolloServerPlugin } from "@apollo/server";
import type { NextFunction, Request, Response } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one server instance, served at GET /metrics. */
export class Metrics {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route and status code",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly operations = new Counter({
    name: "graphql_operations_total",
    help: "GraphQL operations by type and outcome",
    labelNames: ["type", "outcome"] as const,
    registers: [this.registry],
  });

  private readonly operationDuration = new Histogram({
    name: "graphql_operation_duration_seconds",
    help: "GraphQL operation latency, from parse to response",
    labelNames: ["type"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly activeSubscriptions = new Gauge({
    name: "graphql_active_subscriptions",
    help: "GraphQL subscriptions currently open",
    registers: [this.registry],
  });

  readonly webSocketConnections = new Gauge({
    name: "websocket_connections",
    help: "graphql-ws connections currently open",
    registers: [this.registry],
  });

  constructor() {
    // Includes nodejs_eventloop_lag_seconds and its percentiles.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  /** The order desks' group commit: how many groups committed, carrying how many commands. */
  observeGroupCommit(stats: () => { groups: number; commands: number; largest: number }): void {
    const gauge = (name: string, help: string, read: (s: ReturnType<typeof stats>) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(stats()));
        },
      });
    gauge("trading_commit_groups", "Sequencer transactions (batches) committed since start", (s) => s.groups);
    gauge("trading_commands_committed", "Commands (orders, cancels, expiries, cash movements, requotes) those transactions carried", (s) => s.commands);
    gauge("trading_commit_group_largest", "Most commands one transaction has carried", (s) => s.largest);
  }

  /** Express middleware timing every request; the route label is the matched path, never raw URLs. */
  http() {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      res.on("finish", () => {
        const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
        this.httpRequests.inc(labels);
        this.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  recordOperation(type: string, ok: boolean, seconds: number): void {
    this.operations.inc({ type, outcome: ok ? "ok" : "error" });
    this.operationDuration.observe({ type }, seconds);
  }

  /** Counts and times queries and mutations over HTTP. */
  apolloPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operation, response }) => {
            const body = response.body;
            const errors = body.kind === "single" ? body.singleResult.errors : undefined;
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            this.recordOperation(operation?.operation ?? "unknown", !errors?.length, seconds);
          },
        };
      },
    };
  }
}

function routeLabel(req: Request): string {
  if (req.route?.path) return String(req.route.path);
  // Everything else is the mounted GraphQL endpoint or a static file; raw URLs would explode
  // the label set.
  return req.originalUrl.split("?")[0] === "/graphql" ? "/graphql" : "static";
}
