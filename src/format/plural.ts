/** `plural(1, 'row')` → "1 row", `plural(3, 'row')` → "3 rows". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
