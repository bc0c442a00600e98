import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolate, interpolateTree } from './interpolate.js';

const variables = { NAME: 'shop', EMPTY: '', PORT: '3000', NESTED: '${NAME}' };
const run = (text: string) => interpolate(text, { variables }, 'services.x.y');

describe('interpolate', () => {
  it.each([
    ['plain', 'plain'],
    ['${NAME}', 'shop'],
    ['$NAME-db', 'shop-db'],
    ['pre ${NAME} post ${PORT}', 'pre shop post 3000'],
    ['$$NAME', '$NAME'],
    ['$${NAME}', '${NAME}'],
    ['cost: 5$', 'cost: 5$'],
    ['$1', '$1'],
    ['${MISSING:-dflt}', 'dflt'],
    ['${EMPTY:-dflt}', 'dflt'],
    ['${EMPTY-dflt}', ''],
    ['${MISSING-dflt}', 'dflt'],
    ['${NAME:-dflt}', 'shop'],
    ['${MISSING:-${NAME}}', 'shop'],
    ['${MISSING:-${ALSO_MISSING:-deep}}', 'deep'],
    ['${MISSING:-a:b}', 'a:b'],
    ['${MISSING:-}', ''],
    ['${NAME:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${MISSING+alt}', ''],
    ['${NAME:?required}', 'shop'],
    ['${NESTED}', '${NAME}'], // values are not re-interpolated
    ['${MISSING:-$$}', '$'],
  ])('%j → %j', (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  it('substitutes unset variables with an empty string and reports them', () => {
    const unset: string[] = [];
    expect(interpolate('a${MISSING}b$OTHER', { variables, onUnset: (n) => unset.push(n) })).toBe(
      'ab',
    );
    expect(unset).toEqual(['MISSING', 'OTHER']);
  });

  it.each([
    [
      '${MISSING:?set MISSING to the shop name}',
      /required variable MISSING is not set: set MISSING/,
    ],
    ['${EMPTY:?}', /required variable EMPTY is empty/],
    ['${MISSING?}', /MISSING is not set/],
    ['${NAME', /unterminated/],
    ['${}', /invalid interpolation/],
    ['${1A}', /invalid interpolation/],
    ['${NA ME}', /after the name use one of/],
    ['${NAME/x/y}', /after the name use one of/],
  ])('%j fails: %s', (input, message) => {
    expect(() => run(input)).toThrow(message);
    try {
      run(input);
    } catch (error) {
      expect(error).toBeInstanceOf(InterpolationError);
      expect((error as InterpolationError).path).toBe('services.x.y');
    }
  });

  it('allows ${EMPTY?} (set but empty is fine without the colon)', () => {
    expect(run('${EMPTY?}')).toBe('');
  });

  it('bounds nesting depth', () => {
    const deep = '${A:-'.repeat(20) + 'x' + '}'.repeat(20);
    expect(() => run(deep)).toThrow(/nested deeper/);
  });

  it('does not read inherited properties as variables', () => {
    expect(interpolate('${toString}${constructor}', { variables: {} })).toBe('');
  });
});

describe('interpolateTree', () => {
  it('interpolates values, not keys, and returns a new tree', () => {
    const shared = { v: '$$x' };
    const tree = { '${NAME}': '${NAME}', list: ['${PORT}', 1, true, null], a: shared, b: shared };
    const errors: InterpolationError[] = [];
    const out = interpolateTree(tree, { variables }, 'root', (e) => errors.push(e));
    expect(out).toEqual({
      '${NAME}': 'shop',
      list: ['3000', 1, true, null],
      a: { v: '$x' },
      b: { v: '$x' },
    });
    expect(shared.v).toBe('$$x');
    expect(errors).toEqual([]);
  });

  it('collects every error with its path', () => {
    const errors: InterpolationError[] = [];
    interpolateTree({ a: '${X:?}', b: ['${'] }, { variables }, 'services', (e) => errors.push(e));
    expect(errors.map((e) => e.path)).toEqual(['services.a', 'services.b[0]']);
  });

  it('keeps a `__proto__` key as data', () => {
    const tree = JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown;
    const out = interpolateTree(tree, { variables }, '', () => undefined) as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});
