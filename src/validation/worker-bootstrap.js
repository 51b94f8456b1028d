// Entry of a validation worker thread started from the TypeScript sources (tsx, jest): registers tsx so the
// TypeScript worker loads, then runs it. The built tree (npm start) starts dist/src/validation/worker.js directly.
require('tsx/cjs/api').register();
require('./worker');
