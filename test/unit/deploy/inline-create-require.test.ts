import { describe, expect, it } from 'vitest';
import { inlineCreateRequire } from '../../../src/deploy/inline-create-require.js';

describe('inlineCreateRequire', () => {
  it('rewrites calls through a createRequire binding into require()', () => {
    // Arrange
    const source = [
      "import { createRequire } from 'node:module';",
      'const requireCjs = createRequire(import.meta.url);',
      "const { AggregatedRecord } = requireCjs('aws-kinesis-agg/lib/common.js');",
    ].join('\n');

    // Act
    const rewritten = inlineCreateRequire(source);

    // Assert
    expect(rewritten).toContain("const { AggregatedRecord } = require('aws-kinesis-agg/lib/common.js');");
  });

  it('rewrites a direct createRequire(import.meta.url)(…) call', () => {
    // Act
    const rewritten = inlineCreateRequire("const m = createRequire(import.meta.url)('pkg/x.js') as X;");

    // Assert
    expect(rewritten).toBe("const m = require('pkg/x.js') as X;");
  });

  it('leaves other code alone: no createRequire, non-literal arguments, .resolve()', () => {
    // Act / Assert
    expect(inlineCreateRequire("const x = load('a');")).toBeUndefined();
    expect(inlineCreateRequire('const r = createRequire(import.meta.url);\nr(name);')).toBeUndefined();
    expect(inlineCreateRequire("const p = createRequire(import.meta.url).resolve('x/package.json');")).toBeUndefined();
  });
});
