// Minimal HTML escaping for server-rendered pages and reports: every interpolated value goes through `esc`.
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => MAP[c] ?? c);
}
