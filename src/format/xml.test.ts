import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from './xml';

describe('escapeXml', () => {
  it('keeps characters outside the Basic Multilingual Plane (surrogate pairs) intact', () => {
    expect(escapeXml('feature 😀 é')).toBe('feature 😀 é');
    expect(escapeXml('𝑥₁ 🌸🌸')).toBe('𝑥₁ 🌸🌸');
  });

  it('replaces what XML 1.0 cannot hold — lone surrogates, control characters — with U+FFFD', () => {
    expect(escapeXml('a\uD83Db')).toBe('a\uFFFDb');
    expect(escapeXml('a\uDE00b')).toBe('a\uFFFDb');
    // The halves of a pair in the wrong order are two lone surrogates.
    expect(escapeXml('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
    expect(escapeXml('bell\u0007 tab\t nl\n \uFFFE')).toBe('bell\uFFFD tab\t nl\n \uFFFD');
  });

  it('escapes markup, and the result parses back to the text', () => {
    const text = `<tag attr="x" & 'y'> 😀`;
    const escaped = escapeXml(text);
    expect(escaped).toBe('&lt;tag attr=&quot;x&quot; &amp; &apos;y&apos;&gt; 😀');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      `<t name="${escaped}"/>`,
    );
    expect(parsed.t.name).toBe(text);
  });
});
