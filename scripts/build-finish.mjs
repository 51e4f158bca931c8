#!/usr/bin/env node
// After tsc: the CLI is executable (`npx xmime` runs it straight from a clone).
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/node/cli.js', import.meta.url), 0o755);
