/**
 * Starts OpenTelemetry when an exporter is configured; otherwise loads nothing (telemetry off costs nothing).
 * bot/main.ts imports this module first: instrumentation hooks `http` and `pg` as they are required, so it must
 * be installed before restify, botbuilder and Prisma's pg adapter are loaded.
 *
 * - APPLICATIONINSIGHTS_CONNECTION_STRING: the Azure Monitor distro (@azure/monitor-opentelemetry), with its
 *   http and PostgreSQL instrumentation; on App Service it names the role after the site.
 * - OTEL_EXPORTER_OTLP_ENDPOINT: the OpenTelemetry Node SDK exporting traces and metrics over OTLP/HTTP
 *   (OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf or http/json; every other OTEL_* variable works as documented).
 * - both: Application Insights, plus the OTLP exporters.
 */
import type { IncomingMessage } from 'node:http';
import { ConfigError, loadTelemetryConfig, type TelemetryConfig } from './config';
import { enableTelemetry, onTelemetryFlush } from './telemetry';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when telemetry is on, so it costs nothing when off */

/** Probes arrive every few seconds and say nothing about users: no spans for them. */
const ignoreProbes = (req: IncomingMessage) => req.url === '/healthz' || req.url === '/readyz';

function instrumentationConfig() {
  return {
    http: { enabled: true, ignoreIncomingRequestHook: ignoreProbes },
    // Only queries made inside a span (a turn): the outbox polls every half second and would drown the traces.
    pg: { enabled: true, requireParentSpan: true },
  };
}

function otlpExporters(protocol: NonNullable<TelemetryConfig['otlp']>['protocol']) {
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    const { OTLPMetricExporter } =
      require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http');
    return {
      spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter()),
      metricReader: new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }),
    };
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { OTLPMetricExporter } =
    require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
  return {
    spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter()),
    metricReader: new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }),
  };
}

function startAzureMonitor(connectionString: string, otlp: TelemetryConfig['otlp']): void {
  const { useAzureMonitor, shutdownAzureMonitor } =
    require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const extra = otlp ? otlpExporters(otlp.protocol) : null;
  const { http, pg } = instrumentationConfig();
  const off = { enabled: false };
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    instrumentationOptions: {
      http,
      postgreSql: pg,
      azureSdk: off,
      mongoDb: off,
      mySql: off,
      redis: off,
      redis4: off,
      bunyan: off,
      winston: off,
    },
    spanProcessors: extra ? [extra.spanProcessor] : [],
    metricReaders: extra ? [extra.metricReader] : [],
  });
  onTelemetryFlush(() => shutdownAzureMonitor());
}

function startOtlp(serviceName: string): void {
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { http, pg } = instrumentationConfig();
  // Traces and metrics exporters come from the standard OTEL_* variables; logs stay in pino (stdout).
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [new HttpInstrumentation(http), new PgInstrumentation(pg)],
    logRecordProcessors: [],
  });
  sdk.start();
  onTelemetryFlush(() => sdk.shutdown());
}

function startTelemetry(): void {
  let config: TelemetryConfig;
  try {
    config = loadTelemetryConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`\nCo-op Claims could not start: telemetry ${e.message}\n\n`);
    process.exit(1);
  }
  if (config.azureMonitorConnectionString) startAzureMonitor(config.azureMonitorConnectionString, config.otlp);
  else if (config.otlp) startOtlp(config.serviceName);
  else return;
  enableTelemetry();
}

startTelemetry();
