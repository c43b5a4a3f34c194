// Imported first by the end-to-end suites: the app's logger reads LOG_LEVEL when it is created.
process.env.LOG_LEVEL ??= 'silent';
