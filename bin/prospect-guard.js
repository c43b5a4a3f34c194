#!/usr/bin/env node
// Entry point of the `prospect-guard` command. Node 24 runs the TypeScript sources directly (type stripping);
// an older Node cannot load them at all, so say so plainly before importing anything.
const [major] = process.versions.node.split('.').map(Number);
if (!(major >= 24)) {
  process.stderr.write([
    `prospect-guard needs Node.js 24 or later; this is Node.js ${process.versions.node}.`,
    'The project pins Node 24 as a devDependency: in the project directory, after "npm install",',
    '  npx prospect-guard <command>     (npx and npm scripts run on node_modules/.bin/node, Node 24)',
    'or install Node 24 LTS for the whole machine (nodejs.org, your package manager, or "nvm install 24").',
    '',
  ].join('\n'));
  process.exit(1);
}
await import('../src/cli.ts');
