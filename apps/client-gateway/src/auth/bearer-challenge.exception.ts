import { UnauthorizedException } from '@nestjs/common';

const REALM = 'ev-charging';
/** What RFC 6750 allows inside error_description: visible ASCII and spaces, no `"` or `\`. */
const NOT_ALLOWED_IN_DESCRIPTION = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/**
 * A 401 that tells the client how to authenticate (RFC 6750): the problem+json filter sends
 * `challenge` as the WWW-Authenticate header.
 */
export class BearerChallengeException extends UnauthorizedException {
  readonly challenge: string;

  /** `invalid` when a token was given and refused (error="invalid_token"); without, the request simply had none. */
  constructor(detail: string, invalid = false) {
    super(detail);
    this.challenge = invalid
      ? `Bearer realm="${REALM}", error="invalid_token", error_description="${detail.replace(NOT_ALLOWED_IN_DESCRIPTION, '?')}"`
      : `Bearer realm="${REALM}"`;
  }
}

/** The credentials of an `Authorization: Bearer <token>` header; undefined when the header is absent or of another scheme. */
export function bearerCredentials(header: string | undefined): string | undefined {
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(header?.trim() ?? '');
  return match ? (match[1] ?? '').trim() : undefined;
}
