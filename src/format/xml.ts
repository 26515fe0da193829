// Characters XML 1.0 cannot hold at all (control characters other than tab, LF, CR; lone surrogates).
// With the `u` flag a surrogate pair is one character (an emoji), so only a lone half matches the range.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/** Escapes text for an XML attribute or element; characters XML cannot carry become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
