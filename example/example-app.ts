/** The example application's names, beyond what the config declares (its lake and aggregate table). */
export interface ExampleApp {
  readonly ordersTable: string;
  readonly clicksStream: string;
  readonly lakeBucket: string;
  readonly sessionsTable: string;
  readonly quarantineBucket: string;
}
