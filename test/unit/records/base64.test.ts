import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Binary } from '../../../src/runtime/records/base64.js';
import { decodeBase64Strict, decodedBase64Length } from '../../../src/runtime/records/index.js';

/** The binary-string decoder (atob), as bytes: it must accept and refuse exactly what the Buffer one does. */
function binaryAsBytes(base64: string): Uint8Array | undefined {
  const binary = decodeBase64Binary(base64);
  return binary === undefined ? undefined : Buffer.from(binary, 'latin1');
}

describe.each([
  ['decodeBase64Strict', decodeBase64Strict],
  ['decodeBase64Binary', binaryAsBytes],
])('%s', (_name, decodeBase64Strict) => {
  it('decodes exactly what Buffer encodes, for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        // Arrange
        const base64 = Buffer.from(bytes).toString('base64');

        // Act
        const decoded = decodeBase64Strict(base64);

        // Assert
        expect(decoded).toEqual(Buffer.from(bytes));
        expect(decodedBase64Length(base64)).toBe(bytes.length);
      }),
    );
  });

  it.each([
    ['a character outside the alphabet', 'eyJhIjox!fQ=='],
    ['whitespace', 'QUJD\nREVG'],
    ['missing padding', 'QQ'],
    ['interior padding', 'QQ==QQ=='],
    ['URL-safe characters', 'ab-_'],
    ['non-zero unused bits', 'QR=='],
    ['only padding', '===='],
    ['a non-ASCII character', 'QUJ€'],
  ])('rejects %s, which Buffer.from would accept silently', (_, input) => {
    // Arrange
    const lenient = Buffer.from(input, 'base64');

    // Act
    const strict = decodeBase64Strict(input);

    // Assert
    expect(lenient).toBeInstanceOf(Buffer);
    expect(strict).toBeUndefined();
  });

  it('rejects any string with one character replaced by a non-alphabet character', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.constantFrom('!', '*', ' ', '.', '-', '_', '\u00e9'),
        (bytes, position, bad) => {
          // Arrange
          const base64 = Buffer.from(bytes).toString('base64');
          const at = position % base64.length;
          const corrupted = base64.slice(0, at) + bad + base64.slice(at + 1);

          // Act
          const decoded = decodeBase64Strict(corrupted);

          // Assert
          expect(decoded).toBeUndefined();
        },
      ),
    );
  });
});
