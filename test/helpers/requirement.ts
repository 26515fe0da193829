/**
 * The one gate for tests that need something outside Node (a server, a tool): `describe` when it is
 * there; otherwise a skipped test that says what is missing and how to get it — or, when the variable
 * `requiredBy` is 1 (CI sets MLCTL_REQUIRE_MLFLOW, _PROMETHEUS, _INFRA_TOOLS), a failing test, so CI
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
  describe(title, () => {
    if (process.env[requiredBy] === '1') {
      test(`needs: ${missing}`, () => {
        throw new Error(`${requiredBy}=1 but ${missing}`);
      });
    } else {
      console.warn(`${title}: skipped, ${missing}`);
      test.skip(`skipped: ${missing}; ${requiredBy}=1 makes this a failure`, () => {});
    }
  });
}
