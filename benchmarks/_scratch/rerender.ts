import { readFileSync, writeFileSync } from 'node:fs';
import { renderCharts } from '../report.js';

const dir = process.argv[2]!;
const run = JSON.parse(readFileSync(`${dir}/results.json`, 'utf8'));
for (const c of renderCharts(run)) writeFileSync(`${dir}/${c.name}`, c.content);
