// app.json is the single source of the app's identity and scopes; the install flow asks for exactly these.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const ManifestSchema = z.object({
  uid: z.string(),
  name: z.string(),
  auth: z.object({
    redirectUrls: z.array(z.string()),
    requiredScopes: z.array(z.string().min(1)).min(1),
    optionalScopes: z.array(z.string().min(1)).default([]),
  }),
});

export type AppManifest = z.output<typeof ManifestSchema>;

export const APP_MANIFEST_PATH = new URL('../../app.json', import.meta.url);

export function loadAppManifest(path: URL | string = APP_MANIFEST_PATH): AppManifest {
  const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`app.json: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
