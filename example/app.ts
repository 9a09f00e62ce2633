import { SESSIONS_TABLE } from '../processors/click-sessions.js';
import { LAKE_BUCKET } from '../processors/lake.js';
import type { ExampleApp } from './example-app.js';

/** The example app's resource names, for the `shardflow example` runner (`npm start`). */
export const app: ExampleApp = {
  ordersTable: 'orders',
  clicksStream: 'clicks',
  lakeBucket: LAKE_BUCKET,
  sessionsTable: SESSIONS_TABLE,
  quarantineBucket: 'shop-analytics-quarantine',
};
