#!/usr/bin/env node
// Entry point of the `prospect-guard` command. Node 24 runs the TypeScript sources directly (type stripping).
import '../src/cli.ts';
