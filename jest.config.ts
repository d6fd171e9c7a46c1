import type { Config } from 'jest';

/**
 * Jest in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules, as `npm test` does).
 * Unit specs sit beside the code; e2e specs in apps/<app>/test boot the built apps as processes.
 */
const config: Config = {
  testEnvironment: 'node',
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@app/shared$': '<rootDir>/libs/shared/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 120_000,
  maxWorkers: 2,
};

export default config;
