/**
 * Prints one plain closing line, "Tests: N passed, N failed, N skipped", after jest's own summary, so that
 * tools reading the last lines of a CI log see the counts in a common form.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    // At exit, so that it comes after jest's own summary.
    process.once('exit', () => {
      process.stderr.write(`Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`);
    });
  }
}
module.exports = SummaryReporter;
