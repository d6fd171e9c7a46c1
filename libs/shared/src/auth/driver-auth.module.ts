import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule, JwtService } from '@nestjs/jwt';
import type { DriverAuthEnvironment } from './driver-auth.env.js';
import { DriverTokenVerifier, driverTokenSettings } from './driver-token.verifier.js';

/** Provides the DriverTokenVerifier built from the app's validated auth settings. */
@Module({
  imports: [JwtModule.register({})],
  providers: [
    {
      provide: DriverTokenVerifier,
      inject: [JwtService, ConfigService],
      useFactory: (jwt: JwtService, config: ConfigService<DriverAuthEnvironment, true>) =>
        new DriverTokenVerifier(
          jwt,
          driverTokenSettings({
            AUTH_JWT_SECRET: config.get('AUTH_JWT_SECRET', { infer: true }),
            AUTH_JWT_PUBLIC_KEY_FILE: config.get('AUTH_JWT_PUBLIC_KEY_FILE', { infer: true }),
            AUTH_JWKS_FILE: config.get('AUTH_JWKS_FILE', { infer: true }),
            AUTH_JWT_ISSUER: config.get('AUTH_JWT_ISSUER', { infer: true }),
            AUTH_JWT_AUDIENCE: config.get('AUTH_JWT_AUDIENCE', { infer: true }),
            AUTH_CLOCK_TOLERANCE_SECONDS: config.get('AUTH_CLOCK_TOLERANCE_SECONDS', { infer: true }),
          }),
        ),
    },
  ],
  exports: [DriverTokenVerifier],
})
export class DriverAuthModule {}
