import type { Config } from 'jest';

/**
 * Fault-injection suite: test/faults/*.fault-spec.ts start the built apps as processes (like the
 * e2e specs) and break the broker, a replica, an operator, the payloads or the database under load.
 * Run it with: NODE_OPTIONS=--experimental-vm-modules npx jest -c jest.faults.config.ts
 * One file at a time: each case measures latencies under load, so cases must not compete for the CPU.
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
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 120_000,
  maxWorkers: 1,
};

export default config;
