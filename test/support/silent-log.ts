// A Log that drops every line: for tests that open a database or a ledger but assert nothing
// about what it logs (those use storage-test-kit's captureLog instead).
import type { Log } from '../../main/storage/log.js';

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
