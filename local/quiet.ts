// Imported first by every local entry point (npm start, bench, scripts, test setup).
//
// Powertools reads these when its singletons are constructed, which happens on import of
// functions/platform/powertools. Locally metrics go nowhere (no CloudWatch) and X-Ray has no daemon.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// The AWS SDK warns on every process that releases after early January 2027 will need Node 22.
// Lambda runs Node 24; locally Node 20 works with the SDK versions in package-lock.json. The
// README says so once ("Requirements"); here it would only repeat itself in every process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
