// A node:test reporter used by run-tests.mjs next to the visible one: it writes
// one JSON line per skipped test or suite (test file, name, reason) so the
// runner can list what did not run after the totals.
export default async function* skipsReporter(source) {
  // Files run one at a time (--test-concurrency=1); the runner's own entry for a
  // file is named after it. A test's `file` is where test() was called, which for
  // shared helpers is the helper, so the current test file is tracked instead.
  let testFile;
  for await (const event of source) {
    const data = event.data;
    if (event.type === 'test:dequeue' && data.nesting === 0 && data.name === data.file) testFile = data.file;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (data.skip === undefined || data.skip === false || data.name === data.file) continue;
    const suite = data.details?.type === 'suite';
    const reason = data.skip === true ? '' : String(data.skip);
    yield `${JSON.stringify({ file: testFile ?? data.file, name: data.name, reason, suite })}\n`;
  }
}
