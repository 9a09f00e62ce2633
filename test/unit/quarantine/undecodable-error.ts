import { PermanentError } from '../../../src/runtime/errors.js';

/** Stand-in for the decoder's named base64 error (tests here depend only on the stream-record contract). */
export class InvalidBase64Fixture extends PermanentError {}
