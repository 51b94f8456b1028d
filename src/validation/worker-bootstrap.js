// Entry of a validation worker thread: registers tsx so the TypeScript worker loads in any host
// (npm start, the compiled build, jest), then runs it.
require('tsx/cjs/api').register();
require('./worker');
