import path from 'node:path';
import { escapeAnnotationData, escapeAnnotationProperty, toWorkspacePath } from './github-format';

describe('GitHub workflow command helpers', () => {
  it('escapes data and properties as the actions toolkit does', () => {
    expect(escapeAnnotationData('50%\r\nok')).toBe('50%25%0D%0Aok');
    expect(escapeAnnotationProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('makes POSIX paths workspace-relative', () => {
    expect(toWorkspacePath('data/x.csv', '/repo', path.posix)).toBe('data/x.csv');
    expect(toWorkspacePath('/repo/data/x.csv', '/repo', path.posix)).toBe('data/x.csv');
    expect(toWorkspacePath('/elsewhere/x.csv', '/repo', path.posix)).toBe('/elsewhere/x.csv');
  });

  it('turns Windows paths into forward-slash workspace paths', () => {
    expect(toWorkspacePath('data\\processed\\iris.csv', 'C:\\work\\repo', path.win32)).toBe(
      'data/processed/iris.csv',
    );
    expect(toWorkspacePath('C:\\work\\repo\\data\\x.csv', 'C:\\work\\repo', path.win32)).toBe('data/x.csv');
    expect(toWorkspacePath('D:\\other\\x.csv', 'C:\\work\\repo', path.win32)).toBe('D:/other/x.csv');
  });
});
