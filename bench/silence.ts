// Imported first: the bench prints figures, not handler logs (Powertools reads this on construction).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
