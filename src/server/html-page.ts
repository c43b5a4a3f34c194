// Small self-contained HTML pages for the browser flows (install result, errors): no script, no external
// resource, every interpolated value escaped.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function renderPage(input: { title: string; paragraphs: string[]; tone: 'ok' | 'error' | 'warn'; link?: { href: string; text: string } }): string {
  const colour = input.tone === 'ok' ? '#00755e' : input.tone === 'warn' ? '#8a5a00' : '#b3261e';
  const body = input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n    ');
  const link = input.link ? `<p><a href="${escapeHtml(input.link.href)}">${escapeHtml(input.link.text)}</a></p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(input.title)} · Prospect Guard</title>
  <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
  h1{color:${colour};font-size:1.5rem}</style>
</head>
<body>
  <main>
    <h1>${escapeHtml(input.title)}</h1>
    ${body}
    ${link}
  </main>
</body>
</html>
`;
}
