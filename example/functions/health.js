/**
 * A hand-written Lambda function of the example service, deployed by serverless.yml beside the stream
 * functions shardflow adds: it answers with the stage it runs in. Plain JavaScript, packaged by the framework.
 *
 * @example
 * // npx osls invoke local -f health
 * // { "ok": true, "service": "shop-analytics", "stage": "dev" }
 */
export async function handler() {
  return { ok: true, service: process.env.SERVICE_NAME, stage: process.env.STAGE };
}
