// Imported first by every local entry point (npm start, bench, test setup): Powertools reads these
// when its singletons are constructed, which happens on import of functions/platform/powertools.
// Locally metrics go nowhere (no CloudWatch) and X-Ray has no daemon.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
