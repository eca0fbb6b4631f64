#!/usr/bin/env node
// @ts-check
// `npm run bench [-- B1 B3] [-- --quick]`: the one benchmark program. The harness lives in
// harness.mjs (options, programs, the merged run file); this entry point stays for the npm script.
import './harness.mjs';
