// Generates docs/config-reference.md from the settings table (src/runtime/config/settings/): every setting with
// its type and range, default, AWS / CloudFormation name, whether a stage may override it, and its doc line.
//
// `npm run docs:config` rewrites the file; test/unit/config/config-reference.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NodeSpec, type ObjectSpec, object, type Setting } from '../src/runtime/config/schema/nodes.js';
import { CONFIG_NODE } from '../src/runtime/config/settings/config.js';
import { PROCESSOR_FIELDS } from '../src/runtime/config/settings/processor.js';

/** Where the reference is written. */
export const CONFIG_REFERENCE_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'config-reference.md');

interface Section {
  /** Where the object sits (`streams.<stream>.source`); `''` for the top level. */
  readonly path: string;
  /** The `type` of a variant. */
  readonly variant?: string;
  readonly spec: ObjectSpec;
  /** Stage sections: their settings override the stream's, so they have no default of their own. */
  readonly overrides: boolean;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(node: NodeSpec): string {
  switch (node.kind) {
    case 'integer':
      if (node.values !== undefined) return `integer, one of ${node.values.join(', ')}`;
      return [...node.also.map(String), `integer from ${node.min} to ${node.max}`].join(' or ');
    case 'boolean':
      return 'boolean';
    case 'string':
      return node.rule === undefined ? 'string' : `string: ${node.rule}`;
    case 'oneOf':
      return node.values.map((value) => `\`'${value}'\``).join(' | ');
    case 'list':
      return `list of ${typeOf(node.item)}${Number.isFinite(node.max) ? ` (at most ${node.max})` : ''}${node.min > 0 ? ` (at least ${node.min})` : ''}`;
    case 'record':
      return `\`{ ${node.keyName}: … }\` of ${typeOf(node.value)}`;
    case 'object':
      return `object (${node.label}, below)`;
    case 'variants':
      return `${Object.keys(node.options)
        .map((type) => `\`{ type: '${type}', … }\``)
        .join(' | ')} (below)`;
    case 'union':
      return node.options.map(typeOf).join(' | ');
    case 'custom':
      return node.expected;
  }
}

function defaultOf(field: Setting, overrides: boolean): string {
  if (field.required) return 'required';
  if (overrides && field.stage) return 'the stream’s';
  if (field.defaultDoc !== undefined) return field.defaultDoc;
  if (field.default === undefined) return '—';
  return `\`${JSON.stringify(field.default).replace(/"/g, "'")}\``;
}

function awsOf(field: Setting): string {
  if (field.cfn !== undefined) return `\`${field.cfn}\``;
  return field.aws === undefined ? '—' : `\`${field.aws}\``;
}

/** The object sections under a node (`objects`, the variants of `variants`, inside lists, records and unions). */
function childSections(path: string, node: NodeSpec, overrides: boolean): Section[] {
  switch (node.kind) {
    case 'object':
      return [{ path, spec: node, overrides }];
    case 'variants':
      return Object.entries(node.options).map(([variant, spec]) => ({ path, variant, spec, overrides }));
    case 'list':
      return childSections(`${path}[]`, node.item, overrides);
    case 'record':
      return childSections(`${path}.${node.keyName}`, node.value, overrides);
    case 'union':
      return node.options.flatMap((option) => childSections(path, option, overrides));
    default:
      return [];
  }
}

function renderSection(section: Section, root: { readonly path: string; readonly label: string }): string[] {
  const variant = section.variant === undefined ? '' : ` — \`type: '${section.variant}'\``;
  const lines = [
    `## \`${section.path === root.path ? root.label : section.path}\`${variant}`,
    '',
    `${section.spec.label.charAt(0).toUpperCase()}${section.spec.label.slice(1)}.`,
    '',
    '| setting | type | default | AWS / CloudFormation | stage | description |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [key, field] of Object.entries(section.spec.fields)) {
    lines.push(
      `| \`${key}\` | ${cell(typeOf(field.node))} | ${cell(defaultOf(field, section.overrides))} | ${cell(awsOf(field))} | ${field.stage ? '✓' : ''} | ${cell(field.doc)} |`,
    );
  }
  lines.push('');
  return lines;
}

/** Every section of a root, depth first, in the order of the table. */
function sectionsOf(root: Section): Section[] {
  const sections: Section[] = [];
  const visit = (section: Section) => {
    sections.push(section);
    for (const [key, field] of Object.entries(section.spec.fields)) {
      const overrides = section.overrides || key === 'stages';
      const path = section.path === '' ? key : `${section.path}.${key}`;
      for (const child of childSections(path, field.node, overrides)) visit(child);
    }
  };
  visit(root);
  return sections;
}

/**
 * The reference, as Markdown.
 *
 * @example
 * ```ts
 * writeFileSync('docs/config-reference.md', renderConfigReference());
 * ```
 */
export function renderConfigReference(): string {
  const config = sectionsOf({ path: '', spec: CONFIG_NODE, overrides: false });
  const processor = sectionsOf({ path: 'processor', spec: object('a processor', PROCESSOR_FIELDS), overrides: false });
  const lines = [
    '<!-- Generated by `npm run docs:config` from src/runtime/config/settings/. Do not edit: edit the table. -->',
    '',
    '# Config reference',
    '',
    'Every setting of `shardflow.config.ts` (`defineConfig`) and of a processor (`defineProcessor`), from the one',
    'table the types, the validation, the local ESM, the deploy and this page all come from.',
    '',
    '- **type**: what the setting accepts; a value outside it is an `InvalidSettingTypeError`, an',
    '  `InvalidSettingValueError` or a `ConfigRangeError`, and a key the table does not list is an',
    '  `UnknownSettingError` ("did you mean"). Each error names the path of the setting (`streams.orders.batchSize`).',
    '- **default**: the value used when the setting is absent — locally, in the handler and in the deploy alike.',
    '- **AWS / CloudFormation**: where the deploy writes it (`<resource type>.<property>`), or its name in AWS’s API.',
    '  AWS’s names are not settings: `BatchSize` is refused with "did you mean \'batchSize\'".',
    '- **stage**: a stage may override it, stage-wide (`stages.<stage>.…`) or per stream',
    '  (`stages.<stage>.streams.<stream>.…`).',
    '',
    'Rules between settings (also checked by `defineConfig`): `AT_TIMESTAMP` is Kinesis only and needs a',
    '`startingPositionTimestamp`, which applies with `AT_TIMESTAMP` only; a stream with a tumbling window runs in',
    "`'shard'` order; a `deadlineMarginMs` must be shorter than the timeout (the stage's too); an aggregating processor",
    'needs `tumblingWindowSeconds`, an idempotent one `idempotency`; routes must be able to match their stream (its',
    'source, its event names, its stream or table name) and must not follow a route that matches every record they',
    'would; at most 5 stream functions read one Kinesis stream, 2 one DynamoDB stream; stream names must differ in',
    'more than letter case; stage and resource overrides must name streams of the config.',
    '',
    ...config.flatMap((section) => renderSection(section, { path: '', label: 'defineConfig({ … })' })),
    ...processor.flatMap((section) => renderSection(section, { path: 'processor', label: 'defineProcessor({ … })' })),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_REFERENCE_PATH, renderConfigReference());
  console.log(`wrote ${CONFIG_REFERENCE_PATH}`);
}
