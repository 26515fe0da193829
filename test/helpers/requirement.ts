/**
 * The one gate for tests that need something outside Node (a server, a tool, a browser): the tests run
 * when it is there; otherwise a skipped test says what is missing and how to get it — or, when the
 * variable `requiredBy` is 1 (CI sets MLCTL_REQUIRE_MLFLOW, _PROMETHEUS, _INFRA_TOOLS, _SCIPY, _SHAP, _CHROMIUM,
 * _EVIDENTLY, _LOKI, _SCHEMATHESIS, _SHELLS, _NUMPY, _PYFUNC, _TRITONCLIENT, _OTELCOL), a failing test, so CI
 * never passes by skipping.
 */
export function describeIfAvailable(
  title: string,
  missing: string | undefined,
  requiredBy: string,
  body: () => void,
): void {
  if (missing === undefined) {
    describe(title, body);
    return;
  }
  describe(title, () => unavailable(title, missing, requiredBy));
}

/** One test behind the same gate, for a suite whose other tests need nothing more. */
export function itIfAvailable(
  title: string,
  missing: string | undefined,
  requiredBy: string,
  fn: () => Promise<void>,
): void {
  if (missing === undefined) it(title, fn);
  else unavailable(title, missing, requiredBy);
}

function unavailable(title: string, missing: string, requiredBy: string): void {
  if (process.env[requiredBy] === '1') {
    test(`needs: ${missing}`, () => {
      throw new Error(`${requiredBy}=1 but ${missing}`);
    });
  } else {
    console.warn(`${title}: skipped, ${missing}`);
    test.skip(`skipped: ${missing}; ${requiredBy}=1 makes this a failure`, () => {});
  }
}
