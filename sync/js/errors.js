// errors.js: the protocol's error, as the server answers it, and the
// client's own codes for what never reached the server.

// SyncError is an error answer of the server ({status, code, message,
// data}), or one of the client's own: code "network" (no answer at all),
// "aborted" (the caller's signal), "no_progress" (a push answered none of
// its mutations).
export class SyncError extends Error {
  constructor({ status = 0, code, message = '', data = {} }, retryAfter = 0) {
    super(`${status} ${code}: ${message}`);
    this.name = 'SyncError';
    this.status = status;
    this.code = code;
    this.data = data || {};
    this.retryAfter = retryAfter; // seconds, from a 429's Retry-After
  }

  // plain is the error as refused entries and exports keep it.
  plain() {
    return { code: this.code, message: this.message.replace(/^\d+ [a-z_]+: /, ''), data: this.data };
  }
}

// isCode reports whether err is a SyncError with this code.
export function isCode(err, code) {
  return err instanceof SyncError && err.code === code;
}

// retryable says whether the same request may simply be sent again later.
export function retryable(err) {
  return err instanceof SyncError && (err.code === 'network' || err.status === 429 || err.status >= 500);
}
