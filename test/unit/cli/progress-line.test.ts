import { describe, expect, it } from 'vitest';
import { formatProgressLine, type StreamProgress } from '../../../example/progress.js';

const streams: [string, StreamProgress][] = [
  ['orders', { done: 4200, total: 6271, rate: 212.4, etaSeconds: 9.7, ageSeconds: 1.2, retries: 3, quarantined: 12 }],
  ['revenue', { done: 6271, total: 6271, rate: 0, etaSeconds: undefined, ageSeconds: 0, retries: 0, quarantined: 0 }],
  ['clicks', { done: 800, total: 13_333, rate: 0, etaSeconds: undefined, ageSeconds: 0.4, retries: 0, quarantined: 1 }],
];

describe('npm start progress lines', () => {
  it('fit 80 columns: bar, done/total, rate and ETA kept, the last fields dropped', () => {
    // Act
    const lines = streams.map(([name, progress]) => formatProgressLine(name, progress, 80, 7));

    // Assert
    expect(lines).toEqual([
      ' orders  [████████░░░░] 4,200/6,271 · 212/s · ETA 10s · age 1.2s · retries 3',
      ' revenue [████████████] 6,271/6,271 · 0/s · done · age 0.0s · retries 0',
      ' clicks  [█░░░░░░░░░░░] 800/13,333 · 0/s · ETA -- · age 0.4s · retries 0',
    ]);
    for (const line of lines) expect(line.length).toBeLessThan(80);
  });

  it('fit 120 columns with a longer bar and every field', () => {
    // Act
    const lines = streams.map(([name, progress]) => formatProgressLine(name, progress, 120, 7));

    // Assert
    expect(lines).toEqual([
      ' orders  [████████████████████░░░░░░░░░░] 4,200/6,271 · 212/s · ETA 10s · age 1.2s · retries 3 · quarantined 12',
      ' revenue [██████████████████████████████] 6,271/6,271 · 0/s · done · age 0.0s · retries 0 · quarantined 0',
      ' clicks  [██░░░░░░░░░░░░░░░░░░░░░░░░░░░░] 800/13,333 · 0/s · ETA -- · age 0.4s · retries 0 · quarantined 1',
    ]);
    for (const line of lines) expect(line.length).toBeLessThan(120);
  });
});
