// Small shared pieces of the CSV readers: cell typing and the result of mapping one row.

/** What a row says beyond the contract's contact object (read by the audit's cleaning step, not the engine). */
export interface RowExtras {
  /** A source text no synonym matched (kept as source.detail, judged as `unknown`). */
  unrecognisedSource?: string;
  /** The row has a postal address / a social profile, so those channels have something to use. */
  hasPostalAddress?: boolean;
  hasSocialProfile?: boolean;
}

export type RowMapping =
  | { ok: true; value: Record<string, unknown>; extras?: RowExtras }
  | { ok: false; id: string | null; error: string };

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'oui', 'vrai', 'x', 'o']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'non', 'faux']);

/** "true", "oui", "1" -> true; "false", "non", "0" -> false; anything else -> null. */
export function parseBooleanCell(raw: string): boolean | null {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** Keeps error messages short and free of long personal values. */
export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
