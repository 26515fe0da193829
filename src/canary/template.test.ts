import { MlctlError } from '../errors';
import { renderQuery, templateVariables } from './template';

describe('renderQuery', () => {
  test('fills placeholders, with or without spaces', () => {
    expect(renderQuery('rate(x{track="{{track}}"}[{{ window }}])', { track: 'canary', window: '5m' })).toBe(
      'rate(x{track="canary"}[5m])',
    );
  });

  test('escapes backslashes, quotes and newlines inside double-quoted strings', () => {
    expect(renderQuery('x{a="{{v}}"}', { v: 'say "hi"\\\nnow' })).toBe('x{a="say \\"hi\\"\\\\\\nnow"}');
  });

  test('escapes the single quote inside single-quoted strings, not the double one', () => {
    expect(renderQuery("x{a='{{v}}'}", { v: `it's "ok"` })).toBe(`x{a='it\\'s "ok"'}`);
  });

  test('in a regex matcher the value stays a regex, still escaped as a string', () => {
    expect(renderQuery('x{path!~"{{p}}"}', { p: '/metrics|/livez' })).toBe('x{path!~"/metrics|/livez"}');
    expect(renderQuery('x{v=~"{{p}}"}', { p: '\\d+"' })).toBe('x{v=~"\\\\d+\\""}');
  });

  test('an injected quote cannot close the string and add a matcher', () => {
    const out = renderQuery('x{track="{{track}}"}', { track: 'canary", track!="' });
    expect(out).toBe('x{track="canary\\", track!=\\""}');
  });

  test('outside quotes only a plain word is allowed', () => {
    expect(renderQuery('x[{{w}}] > {{n}}', { w: '1m30s', n: '0.5' })).toBe('x[1m30s] > 0.5');
    expect(() => renderQuery('x[{{w}}]', { w: '5m] or vector(1)' })).toThrow(/plain word/);
  });

  test('raw strings take any value but a backtick', () => {
    expect(renderQuery('x{a=`{{v}}`}', { v: 'a\\b"c' })).toBe('x{a=`a\\b"c`}');
    expect(() => renderQuery('x{a=`{{v}}`}', { v: 'a`b' })).toThrow(/backtick/);
  });

  test('escaped quotes in the template do not end the string early', () => {
    expect(renderQuery('x{a="q\\"{{v}}"}', { v: 'z"' })).toBe('x{a="q\\"z\\""}');
  });

  test('an unknown variable is a policy error naming it', () => {
    let caught: unknown;
    try {
      renderQuery('x{a="{{missing}}"}', {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MlctlError);
    expect((caught as MlctlError).code).toBe('POLICY_INVALID');
    expect((caught as MlctlError).message).toMatch(/\{\{missing\}\}/);
  });

  test('templateVariables lists each name once', () => {
    expect(templateVariables('{{a}} {{ b }} {{a}} {{model_version}}')).toEqual(['a', 'b', 'model_version']);
  });
});
