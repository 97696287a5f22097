#!/usr/bin/env node
// The `tl` command: the compiled CLI entry point (`npm run build` writes dist/).
import('../dist/src/cli/main.js').then((m) => m.main(process.argv.slice(2)));
