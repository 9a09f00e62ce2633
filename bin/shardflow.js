#!/usr/bin/env node
// The shardflow CLI: compiled JavaScript (dist/, built by `npm run build` before packing). A TypeScript config
// and its processors are loaded through tsx, registered only when the config file is TypeScript.
await import('../dist/cli/entry.js');
