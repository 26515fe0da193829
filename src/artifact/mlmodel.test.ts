import { columnType } from './mlmodel';

describe('MLmodel signature column types', () => {
  it('numbers are double, text categories string, integer categories long', () => {
    expect(columnType({ name: 'x', type: 'numeric', nullable: false })).toBe('double');
    expect(columnType({ name: 'x', type: 'numeric', nullable: true })).toBe('double');
    expect(columnType({ name: 'c', type: 'categorical', nullable: true, categories: ['a', 'b'] })).toBe(
      'string',
    );
    expect(columnType({ name: 'k', type: 'categorical', nullable: false, categories: [1, 2, 3] })).toBe(
      'long',
    );
  });

  it('a nullable integer category is double: MLflow refuses a missing value in a long column', () => {
    expect(columnType({ name: 'k', type: 'categorical', nullable: true, categories: [1, 2, 3] })).toBe(
      'double',
    );
  });
});
