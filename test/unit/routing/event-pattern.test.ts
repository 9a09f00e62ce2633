import { describe, expect, it } from 'vitest';
import { compileFilterCriteria, compilePattern, type EventPattern } from '../../../src/runtime/routing/index.js';

type Row = readonly [description: string, pattern: EventPattern, event: unknown, expected: boolean];

function runRows(rows: readonly Row[]): void {
  it.each(rows)('%s', (_description, pattern, event, expected) => {
    // Arrange
    const matches = compilePattern(pattern);

    // Act
    const result = matches(event);

    // Assert
    expect(result).toBe(expected);
  });
}

// Examples of the "Filter rule syntax" table in the Lambda developer guide (invocation-eventfiltering).
describe('compilePattern: Lambda filter rule syntax table', () => {
  runRows([
    ['Null: UserID is null', { UserID: [null] }, { UserID: null }, true],
    ['Null: a missing UserID is not null', { UserID: [null] }, {}, false],
    ['Null: an empty string is not null', { UserID: [null] }, { UserID: '' }, false],
    ['Empty: LastName is empty', { LastName: [''] }, { LastName: '' }, true],
    ['Empty: null is not an empty string', { LastName: [''] }, { LastName: null }, false],
    ['Equals: Name is "Alice"', { Name: ['Alice'] }, { Name: 'Alice' }, true],
    ['Equals: matching is case-sensitive', { Name: ['Alice'] }, { Name: 'alice' }, false],
    ['Equals (ignore case): Name is "alice"', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    [
      'Equals (ignore case): other names do not match',
      { Name: [{ 'equals-ignore-case': 'alice' }] },
      { Name: 'Alicia' },
      false,
    ],
    [
      'And: both fields match',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Monday' },
      true,
    ],
    [
      'And: one field differs',
      { Location: ['New York'], Day: ['Monday'] },
      { Location: 'New York', Day: 'Sunday' },
      false,
    ],
    ['And: one field is missing', { Location: ['New York'], Day: ['Monday'] }, { Location: 'New York' }, false],
    ['Or: PaymentType is "Credit"', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Credit' }, true],
    ['Or: PaymentType is "Debit"', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Debit' }, true],
    ['Or: PaymentType is "Cash"', { PaymentType: ['Credit', 'Debit'] }, { PaymentType: 'Cash' }, false],
    [
      'Not: Weather is anything but "Raining"',
      { Weather: [{ 'anything-but': ['Raining'] }] },
      { Weather: 'Sunny' },
      true,
    ],
    ['Not: Weather is "Raining"', { Weather: [{ 'anything-but': ['Raining'] }] }, { Weather: 'Raining' }, false],
    ['Numeric (equals): Price is 100', { Price: [{ numeric: ['=', 100] }] }, { Price: 100 }, true],
    ['Numeric (equals): Price is 100.5', { Price: [{ numeric: ['=', 100] }] }, { Price: 100.5 }, false],
    ['Numeric (range): 10 < Price <= 20, Price 20', { Price: [{ numeric: ['>', 10, '<=', 20] }] }, { Price: 20 }, true],
    [
      'Numeric (range): 10 < Price <= 20, Price 10',
      { Price: [{ numeric: ['>', 10, '<=', 20] }] },
      { Price: 10 },
      false,
    ],
    ['Exists: ProductName exists', { ProductName: [{ exists: true }] }, { ProductName: 'Widget' }, true],
    ['Exists: ProductName is missing', { ProductName: [{ exists: true }] }, { Other: 1 }, false],
    ['Does not exist: ProductName is missing', { ProductName: [{ exists: false }] }, { Other: 1 }, true],
    ['Does not exist: ProductName is present', { ProductName: [{ exists: false }] }, { ProductName: 'Widget' }, false],
    ['Begins with: Region is in the US', { Region: [{ prefix: 'us-' }] }, { Region: 'us-east-1' }, true],
    ['Begins with: Region is in the EU', { Region: [{ prefix: 'us-' }] }, { Region: 'eu-west-1' }, false],
    ['Ends with: FileName ends with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['Ends with: FileName ends with .jpg', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' }, false],
  ]);
});

// Examples of the EventBridge user guide (content filtering, null values, arrays) and Event Ruler README.
describe('compilePattern: EventBridge content filtering examples', () => {
  const ec2Event = {
    version: '0',
    id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '012345679012',
    time: '2017-10-02T16:24:49Z',
    region: 'us-east-1',
    resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
    detail: {
      'c-count': 5,
      'd-count': 3,
      'x-limit': 301.8,
      'source-ip': '10.0.0.33',
      'instance-id': 'i-000000aaaaaa00000',
      state: 'running',
    },
  };
  const withDetail = (detail: Record<string, unknown>) => ({ ...ec2Event, detail: { ...ec2Event.detail, ...detail } });

  runRows([
    [
      'simple matching on detail-type, resources and detail.state',
      {
        'detail-type': ['EC2 Instance State-change Notification'],
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
        detail: { state: ['initializing', 'running'] },
      },
      ec2Event,
      true,
    ],
    ['prefix: time starts with 2017-10-02', { time: [{ prefix: '2017-10-02' }] }, ec2Event, true],
    ['prefix: time starts with 2017-10-03', { time: [{ prefix: '2017-10-03' }] }, ec2Event, false],
    ['prefix only applies to strings', { detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event, false],
    [
      'prefix equals-ignore-case: service starts with EventB in any case',
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service: 'eventbridge' } },
      true,
    ],
    [
      'prefix equals-ignore-case: other prefixes do not match',
      { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      { detail: { service: 'sqs' } },
      false,
    ],
    ['suffix: FileName ends with .png', { FileName: [{ suffix: '.png' }] }, { FileName: 'cat.png' }, true],
    [
      'suffix equals-ignore-case: .PNG matches .png',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      { detail: { FileName: 'CAT.PNG' } },
      true,
    ],
    [
      'suffix equals-ignore-case: .jpg does not match .png',
      { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      { detail: { FileName: 'cat.jpg' } },
      false,
    ],
    ['wildcard: Simple*Service', { source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' }, true],
    [
      'wildcard: * matches an empty run',
      { source: [{ wildcard: 'Simple*Service' }] },
      { source: 'SimpleService' },
      true,
    ],
    [
      'wildcard: anchored at both ends',
      { source: [{ wildcard: 'Simple*Service' }] },
      { source: 'SimpleServices' },
      false,
    ],
    ['wildcard: escaped \\* is a literal asterisk', { a: [{ wildcard: 'a\\*b' }] }, { a: 'a*b' }, true],
    ['wildcard: escaped \\* does not match other text', { a: [{ wildcard: 'a\\*b' }] }, { a: 'axb' }, false],
    ['wildcard: regex metacharacters are literal', { a: [{ wildcard: '*.json' }] }, { a: 'file_json' }, false],
    [
      'anything-but: state is not initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      ec2Event,
      true,
    ],
    [
      'anything-but: state is initializing',
      { detail: { state: [{ 'anything-but': 'initializing' }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    ['anything-but: x-limit is not 123', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2Event, true],
    [
      'anything-but: x-limit is 123',
      { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      withDetail({ 'x-limit': 123 }),
      false,
    ],
    [
      'anything-but list of strings: running is neither stopped nor overloaded',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      ec2Event,
      true,
    ],
    [
      'anything-but list of strings: overloaded',
      { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      withDetail({ state: 'overloaded' }),
      false,
    ],
    [
      'anything-but list of numbers: 301.8 is none of 100, 200, 300',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      ec2Event,
      true,
    ],
    [
      'anything-but list of numbers: 200',
      { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      withDetail({ 'x-limit': 200 }),
      false,
    ],
    [
      'anything-but prefix: running does not start with init',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      ec2Event,
      true,
    ],
    [
      'anything-but prefix: initializing starts with init',
      { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      withDetail({ state: 'initializing' }),
      false,
    ],
    [
      'anything-but prefix list: error-42 starts with error',
      { detail: { state: [{ 'anything-but': { prefix: ['init', 'error'] } }] } },
      withDetail({ state: 'error-42' }),
      false,
    ],
    [
      'anything-but suffix: FileName does not end with .png',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'notes.txt' },
      true,
    ],
    [
      'anything-but suffix: FileName ends with .png',
      { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      { FileName: 'cat.png' },
      false,
    ],
    [
      'anything-but equals-ignore-case: INITIALIZING is excluded',
      { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      { state: 'INITIALIZING' },
      false,
    ],
    [
      'anything-but equals-ignore-case list: running is allowed',
      { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
      { state: 'running' },
      true,
    ],
    [
      'anything-but wildcard: a path without /lib/',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/bin/node' },
      true,
    ],
    [
      'anything-but wildcard: a path with /lib/',
      { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      { FilePath: '/usr/lib/node' },
      false,
    ],
    [
      'numeric: c-count, d-count and x-limit all in range',
      {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      ec2Event,
      true,
    ],
    [
      'numeric: c-count 6 is out of range',
      { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }] } },
      withDetail({ 'c-count': 6 }),
      false,
    ],
    ['cidr: 10.0.0.33 is in 10.0.0.0/24', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event, true],
    [
      'cidr: 10.0.1.33 is not in 10.0.0.0/24',
      { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } },
      withDetail({ 'source-ip': '10.0.1.33' }),
      false,
    ],
    [
      'complex example with prefix, anything-but, numeric and cidr',
      {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      ec2Event,
      true,
    ],
    [
      'null value: responseElements is null',
      { detail: { responseElements: [null] } },
      { detail: { eventVersion: '', responseElements: null } },
      true,
    ],
    [
      'empty string: eventVersion is empty',
      { detail: { eventVersion: [''] } },
      { detail: { eventVersion: '', responseElements: null } },
      true,
    ],
    [
      'null and empty string are not interchangeable',
      { detail: { responseElements: [''] } },
      { detail: { eventVersion: '', responseElements: null } },
      false,
    ],
  ]);
});

describe('compilePattern: $or', () => {
  const cpu = { source: 'aws.cloudwatch', metricName: 'CPUUtilization', namespace: 'AWS/RDS' };
  runRows([
    [
      'source && (metricName || namespace): metricName matches',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      cpu,
      true,
    ],
    [
      'source && (metricName || namespace): namespace matches',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/EC2' },
      true,
    ],
    [
      'source && (metricName || namespace): neither branch matches',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/RDS' },
      false,
    ],
    [
      'source && (metricName || namespace): source differs',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { ...cpu, source: 'aws.ec2' },
      false,
    ],
    [
      'a branch with an AND inside (metricType && namespace)',
      {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] },
          { scope: ['Service'] },
        ],
      },
      { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
      true,
    ],
    [
      'a branch with an AND inside needs both fields',
      {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      { source: 'aws.cloudwatch', metricType: 'Other', namespace: 'AWS/ES' },
      false,
    ],
    [
      'nested $or inside a branch',
      {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        ],
      },
      { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
      true,
    ],
    [
      'parallel $or at two levels: both must hold',
      {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      { metricName: 'CPUUtilization', detail: { source: 'aws.ec2' } },
      false,
    ],
    [
      'parallel $or at two levels: both hold',
      {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      true,
    ],
    [
      '$or with exists:false branch matches when the field is absent',
      { $or: [{ tier: ['gold'] }, { tier: [{ exists: false }] }] },
      { name: 'x' },
      true,
    ],
  ]);
});

describe('compilePattern: arrays in the event', () => {
  const employees = {
    employees: [
      [
        { firstName: 'John', lastName: 'Doe', ids: [1234, 1000, 9999] },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
      [{ firstName: 'Peter', lastName: 'Jones', ids: [] }],
    ],
  };
  runRows([
    [
      'a leaf matches when the pattern and event arrays intersect',
      {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        ],
      },
      {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      true,
    ],
    ['a leaf does not match when no element matches', { tags: ['red'] }, { tags: ['blue', 'green'] }, false],
    ['an empty event array matches no value', { tags: ['red'] }, { tags: [] }, false],
    ['operators apply to each element', { sizes: [{ numeric: ['>', 10] }] }, { sizes: [1, 5, 11] }, true],
    ['nested event arrays are flattened', { tags: ['red'] }, { tags: [['blue'], ['red']] }, true],
    ['an object pattern matches inside an array of objects', { employees: { firstName: ['Anna'] } }, employees, true],
    [
      'fields of one sub-pattern must match within the same array element',
      { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      employees,
      false,
    ],
    ['fields matching in the same element', { employees: { firstName: ['John'], ids: [1000] } }, employees, true],
    [
      'exists:false is evaluated per element (Anna has no ids)',
      { employees: { firstName: ['Anna'], ids: [{ exists: false }] } },
      employees,
      true,
    ],
    [
      'exists:true fails when the element has no ids',
      { employees: { firstName: ['Anna'], ids: [{ exists: true }] } },
      employees,
      false,
    ],
    [
      'an empty array is not a value: exists:true fails',
      { employees: { firstName: ['Peter'], ids: [{ exists: true }] } },
      employees,
      false,
    ],
    ['a leaf pattern does not match an array of objects', { employees: ['b'] }, employees, false],
  ]);
});

describe('compilePattern: exact values are typed', () => {
  runRows([
    ['number pattern 5 matches number 5', { n: [5] }, { n: 5 }, true],
    ['number pattern 5 matches 5.0 (JSON numbers compare as numbers)', { n: [5] }, JSON.parse('{"n": 5.0}'), true],
    ['number pattern 5 does not match string "5"', { n: [5] }, { n: '5' }, false],
    ['string pattern "5" does not match number 5', { n: ['5'] }, { n: 5 }, false],
    ['true matches true', { b: [true] }, { b: true }, true],
    ['true does not match "true"', { b: [true] }, { b: 'true' }, false],
    ['false does not match null', { b: [false] }, { b: null }, false],
    ['a string does not match an object', { o: ['x'] }, { o: { x: 1 } }, false],
    ['a nested pattern does not match a string', { o: { x: ['1'] } }, { o: 'x' }, false],
    ['inherited names are absent, not members', { constructor: [{ exists: true }] }, {}, false],
    ['an own "constructor" field is matched', { constructor: ['Foo'] }, JSON.parse('{"constructor":"Foo"}'), true],
  ]);
});

describe('compilePattern: numeric edges', () => {
  runRows([
    ['> 0 excludes 0', { n: [{ numeric: ['>', 0] }] }, { n: 0 }, false],
    ['>= 0 includes 0', { n: [{ numeric: ['>=', 0] }] }, { n: 0 }, true],
    ['< 10 excludes 10', { n: [{ numeric: ['<', 10] }] }, { n: 10 }, false],
    ['<= 10 includes 10', { n: [{ numeric: ['<=', 10] }] }, { n: 10 }, true],
    ['>= 0 < 5 includes the lower bound', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 0 }, true],
    ['>= 0 < 5 excludes the upper bound', { n: [{ numeric: ['>=', 0, '<', 5] }] }, { n: 5 }, false],
    ['> 0 <= 5 with a decimal inside', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 0.000001 }, true],
    ['negative ranges', { n: [{ numeric: ['>', -10, '<', -1] }] }, { n: -5.5 }, true],
    ['= with an exponent literal', { n: [{ numeric: ['=', 3.018e2] }] }, { n: 301.8 }, true],
    ['= -0 matches 0', { n: [{ numeric: ['=', -0] }] }, { n: 0 }, true],
    ['numeric never matches a numeric string', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
    ['numeric never matches a boolean', { n: [{ numeric: ['>', 0] }] }, { n: true }, false],
    ['numeric never matches null', { n: [{ numeric: ['<', 1] }] }, { n: null }, false],
    ['numeric on a missing field', { n: [{ numeric: ['<', 1] }] }, {}, false],
    [
      'several numeric alternatives are ORed',
      { n: [{ numeric: ['<', 0] }, { numeric: ['>', 100] }] },
      { n: 101 },
      true,
    ],
    ['mixed numeric and literal alternatives', { n: [{ numeric: ['<', 0] }, 50] }, { n: 50 }, true],
  ]);
});

describe('compilePattern: exists on null, missing, objects and arrays', () => {
  runRows([
    ['exists:true matches a null value (null is a value)', { a: [{ exists: true }] }, { a: null }, true],
    ['exists:false does not match a null value', { a: [{ exists: false }] }, { a: null }, false],
    ['exists:true fails on a missing field', { a: [{ exists: true }] }, {}, false],
    ['exists:false matches a missing field', { a: [{ exists: false }] }, {}, true],
    ['exists:true matches an empty string', { a: [{ exists: true }] }, { a: '' }, true],
    ['exists:true matches false', { a: [{ exists: true }] }, { a: false }, true],
    ['exists:true does not match an object (not a leaf)', { a: [{ exists: true }] }, { a: { c1: 100 } }, false],
    [
      'exists:false matches an object (only leaves count)',
      { detail: { 'c-count': [{ exists: false }] } },
      { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
      true,
    ],
    ['exists:true fails on an empty array', { a: [{ exists: true }] }, { a: [] }, false],
    ['exists:false matches an empty array', { a: [{ exists: false }] }, { a: [] }, true],
    ['exists:true matches a non-empty array', { a: [{ exists: true }] }, { a: [1] }, true],
    ['exists:false matches when a parent is missing', { detail: { a: [{ exists: false }] } }, { other: 1 }, true],
    ['exists:false matches when the parent is a string', { detail: { a: [{ exists: false }] } }, { detail: 'x' }, true],
    ['exists:false on a non-object event', { a: [{ exists: false }] }, 'plain text', true],
    [
      'exists:false with another alternative: missing',
      { tier: [{ 'anything-but': ['gold', 'silver'] }, { exists: false }] },
      {},
      true,
    ],
    [
      'exists:false with another alternative: excluded value',
      { tier: [{ 'anything-but': ['gold', 'silver'] }, { exists: false }] },
      { tier: 'gold' },
      false,
    ],
  ]);
});

describe('compilePattern: anything-but across types and absence', () => {
  runRows([
    ['anything-but does not match a missing field', { s: [{ 'anything-but': 'banned' }] }, {}, false],
    ['a string list excludes strings only: a number matches', { s: [{ 'anything-but': ['a', 'b'] }] }, { s: 5 }, true],
    [
      'a number list excludes numbers only: a string matches',
      { b: [{ 'anything-but': [111, 222] }] },
      { b: '111' },
      true,
    ],
    ['a number list excludes the listed numbers', { b: [{ 'anything-but': [111, 222] }] }, { b: 111 }, false],
    ['anything-but matches null', { s: [{ 'anything-but': 'x' }] }, { s: null }, true],
    ['anything-but matches booleans', { s: [{ 'anything-but': 'x' }] }, { s: true }, true],
    ['anything-but does not match an object', { s: [{ 'anything-but': 'x' }] }, { s: { a: 'b' } }, false],
    [
      'anything-but on an array: one allowed element suffices',
      { s: [{ 'anything-but': 'a' }] },
      { s: ['a', 'b'] },
      true,
    ],
    [
      'anything-but on an array: all elements excluded',
      { s: [{ 'anything-but': ['a', 'b'] }] },
      { s: ['a', 'b'] },
      false,
    ],
    ['anything-but prefix matches numbers', { s: [{ 'anything-but': { prefix: 'init' } }] }, { s: 5 }, true],
  ]);
});

describe('compilePattern: cidr', () => {
  runRows([
    ['IPv4 network address itself', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.0' }, true],
    ['IPv4 broadcast address', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.255' }, true],
    ['IPv4 just outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.0' }, false],
    ['IPv4 /0 matches every IPv4 address', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '203.0.113.9' }, true],
    ['IPv4 /31', { ip: [{ cidr: '192.168.1.0/31' }] }, { ip: '192.168.1.1' }, true],
    ['IPv4 with host bits set in the pattern', { ip: [{ cidr: '10.1.2.3/8' }] }, { ip: '10.200.0.1' }, true],
    ['not an IP address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'example.com' }, false],
    ['an octet out of range', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.0.0.256' }, false],
    ['a number is not an IP address', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 10 }, false],
    ['IPv6 inside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:85a3::8a2e:370:7334' }, true],
    ['IPv6 outside', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }, false],
    [
      'IPv6 full notation',
      { ip: [{ cidr: '2001:db8::/48' }] },
      { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' },
      true,
    ],
    ['IPv6 mask inside a byte', { ip: [{ cidr: '2001:db8:8000::/33' }] }, { ip: '2001:db8:7fff::1' }, false],
    ['IPv4-mapped IPv6 against an IPv4 block', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::ffff:10.0.0.7' }, true],
    ['IPv4 against an IPv6 block', { ip: [{ cidr: '2001:db8::/32' }] }, { ip: '10.0.0.1' }, false],
  ]);
});

describe('compilePattern: JSON text and reuse', () => {
  it('accepts the JSON text of a FilterCriteria Pattern', () => {
    // Arrange
    const matches = compilePattern('{ "data": { "order": { "type": [ "buy" ] } } }');

    // Act
    const results = [
      matches({ data: { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } } }),
      matches({ data: { record: 12346, order: { type: 'sell', stock: 'ANYCO', quantity: 1000 } } }),
    ];

    // Assert
    expect(results).toEqual([true, false]);
  });

  it('does not mutate the pattern and gives the same answers on repeated calls', () => {
    // Arrange
    const pattern: EventPattern = { a: [{ prefix: 'x' }], b: { c: [1, 2] } };
    const snapshot = structuredClone(pattern);
    const matches = compilePattern(pattern);

    // Act
    const results = Array.from({ length: 3 }, () => matches({ a: 'xy', b: { c: 2 } }));

    // Assert
    expect(results).toEqual([true, true, true]);
    expect(pattern).toEqual(snapshot);
  });
});

describe('compileFilterCriteria', () => {
  it.each([
    ['the first pattern matches', { eventName: 'INSERT' }, true],
    ['the second pattern matches', { eventName: 'MODIFY', dynamodb: { NewImage: { status: { S: 'PAID' } } } }, true],
    ['no pattern matches', { eventName: 'REMOVE' }, false],
  ])('ORs its patterns: %s', (_description, event, expected) => {
    // Arrange
    const passes = compileFilterCriteria([
      { eventName: ['INSERT'] },
      '{ "eventName": ["MODIFY"], "dynamodb": { "NewImage": { "status": { "S": ["PAID"] } } } }',
    ]);

    // Act
    const result = passes(event);

    // Assert
    expect(result).toBe(expected);
  });

  it('accepts up to 10 patterns when the quota was raised', () => {
    // Arrange
    const patterns = Array.from({ length: 10 }, (_, i) => ({ n: [i] }));

    // Act
    const passes = compileFilterCriteria(patterns, { maxPatterns: 10 });

    // Assert
    expect(passes({ n: 9 })).toBe(true);
  });
});
