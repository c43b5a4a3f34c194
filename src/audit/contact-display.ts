// How the table and csv outputs show a contact's email and phone: masked by default (a report gets forwarded,
// pasted into tickets, left on shared drives), in clear with --show-contacts. The domain stays visible: it is
// what tells a company address from a personal one.

/** "jane.doe@acme.fr" -> "j***@acme.fr"; text without "@" keeps its first character only. */
export function maskEmail(email: string): string {
  const text = email.trim();
  if (text === '') return '';
  const at = text.lastIndexOf('@');
  if (at <= 0) return `${text.slice(0, 1)}***`;
  return `${text.slice(0, 1)}***${text.slice(at)}`;
}

/** "+33612345678" -> "+336******78": country and first digit, last two digits. */
export function maskPhone(phone: string): string {
  const text = phone.trim();
  if (text.length <= 5) return '*'.repeat(text.length);
  return `${text.slice(0, 4)}${'*'.repeat(text.length - 6)}${text.slice(-2)}`;
}

export function showEmail(email: string | null | undefined, showContacts: boolean): string {
  if (email == null) return '';
  return showContacts ? email.trim() : maskEmail(email);
}

export function showPhone(phone: string | null | undefined, showContacts: boolean): string {
  if (phone == null) return '';
  return showContacts ? phone : maskPhone(phone);
}
