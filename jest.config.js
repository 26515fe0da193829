// Projects: `unit` needs nothing but Node (npm test); `integration` talks to real services and `infra`
// checks the shipped infrastructure with real tools (helm, promtool, amtool, actionlint); .ci/run runs both.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const base = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  // 30 s per test (a global option: jest ignores it per project). Many tests spawn the built CLI several
  // times, and on a busy 2-core machine (two jest workers, other jobs) the default 5 s fails them for
  // being slow, not wrong.
  testTimeout: 30_000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/src/**/*.test.ts',
        '<rootDir>/test/unit/**/*.test.ts',
        '<rootDir>/test/cli/**/*.test.ts',
      ],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
    },
  ],
};
