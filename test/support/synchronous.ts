// The desktop (SQLite, in-process rate limiter) must answer admission and key checks without a
// Promise: one would add a microtask to every request. These wrappers give tests the synchronous
// types back and fail the test the moment a Promise appears on that path.
import type { Admission, AdmissionInput, RequestMeter } from '../../main/metering/request-meter.js';
import type { KeyVerification, KeyVerifier } from '../../main/keys/verify-key.js';

export interface SynchronousMeter extends RequestMeter {
  admit(input: AdmissionInput): Admission;
}

export function synchronousMeter(meter: RequestMeter): SynchronousMeter {
  return {
    ...meter,
    admit(input) {
      const admitted = meter.admit(input);
      if (admitted instanceof Promise) throw new Error('admit() returned a Promise on the synchronous path');
      return admitted;
    },
  };
}

export interface SynchronousVerifier extends KeyVerifier {
  verify(presented: string): KeyVerification;
}

export function synchronousVerifier(verifier: KeyVerifier): SynchronousVerifier {
  return {
    ...verifier,
    verify(presented) {
      const verified = verifier.verify(presented);
      if (verified instanceof Promise) throw new Error('verify() returned a Promise on the synchronous path');
      return verified;
    },
  };
}
