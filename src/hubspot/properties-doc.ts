// Renders docs/PROPERTIES.md from APP_PROPERTIES, so the document cannot drift from the code
// (test/install/properties.test.ts fails when it does). Regenerate: node src/hubspot/properties-doc.ts > docs/PROPERTIES.md
import { APP_PROPERTIES, HS_LEGAL_BASIS_FOR, PROPERTY_GROUP, READ_PROPERTIES, type PropertyDefinition } from './properties.ts';

function row(p: PropertyDefinition): string {
  const values = p.options ? p.options.map((o) => `\`${o.value}\``).join(', ') : '';
  const type = p.type === p.fieldType ? p.type : `${p.type} / ${p.fieldType}`;
  return `| \`${p.name}\` | ${p.label} | ${type} | ${values} | ${p.description} |`;
}

export function renderPropertiesDoc(): string {
  const header = '| Internal name | Label (en) | Type / field | Values | Description (fr) |\n|---|---|---|---|---|';
  const outputs = APP_PROPERTIES.filter((p) => p.role === 'output').map(row).join('\n');
  const inputs = APP_PROPERTIES.filter((p) => p.role === 'input').map(row).join('\n');
  const hsBasis = Object.entries(HS_LEGAL_BASIS_FOR).map(([b, v]) => `| \`${b}\` | ${v} |`).join('\n');
  const builtIn = READ_PROPERTIES.filter((n) => !n.startsWith('pg_')).map((n) => `\`${n}\``).join(', ');
  return `# Contact properties of Prospect Guard

<!-- Generated from src/hubspot/properties.ts by src/hubspot/properties-doc.ts: do not edit by hand. -->

On install, the bootstrap (src/bootstrap/bootstrap-account.ts) creates the property group
\`${PROPERTY_GROUP.name}\` ("${PROPERTY_GROUP.label}") and every property below in the account, idempotently: it
reads the existing properties, creates only the missing ones, and treats HubSpot's 409 (already exists) as done.
Labels are in English, descriptions in French. Internal names never change once released.

## Written by the app (${APP_PROPERTIES.filter((p) => p.role === 'output').length})

${header}
${outputs}

## Set by users or imports, read by the app (${APP_PROPERTIES.filter((p) => p.role === 'input').length})

${header}
${inputs}

## HubSpot's own \`hs_legal_basis\`

Written for email where the app's basis has a HubSpot equivalent. The option value is read from the account's
properties API and matched ignoring dash style (HubSpot mixes hyphens and en dashes).

| App basis | hs_legal_basis option |
|---|---|
${hsBasis}

## HubSpot properties the app reads

${builtIn}, plus every property above.
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(renderPropertiesDoc());
}
