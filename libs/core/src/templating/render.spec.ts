import { describe, expect, it } from 'vitest';
import { TemplateError, hasTemplate, renderTemplate, renderTemplateMap } from './render.js';

const context = {
  urls: { api: 'https://api-pr-1-shop.example.com', 'api.v2': 'https://v2', 'my-web': 'https://w' },
  secrets: { db_password: 'hunter2' },
  env: { pr: '1' },
};
const render = (text: string) => renderTemplate(text, context, 'services.web.environment.X');

describe('renderTemplate', () => {
  it.each([
    ['{{ urls.api }}', 'https://api-pr-1-shop.example.com'],
    ['{{urls.api}}', 'https://api-pr-1-shop.example.com'],
    ['{{   urls.api\t}}', 'https://api-pr-1-shop.example.com'],
    ['{{ urls.api }}/v1?pr={{ env.pr }}', 'https://api-pr-1-shop.example.com/v1?pr=1'],
    ['{{ urls.api.v2 }}', 'https://v2'],
    ['{{ urls.my-web }}', 'https://w'],
    ['no placeholders', 'no placeholders'],
    ['', ''],
    ['\\{{ literal }}', '{{ literal }}'],
    ['${NOT_OURS} {single}', '${NOT_OURS} {single}'],
    ['}} stray close', '}} stray close'],
  ])('%j → %j', (input, expected) => {
    expect(render(input)).toBe(expected);
  });

  it('does not render values recursively', () => {
    expect(renderTemplate('{{ a.b }}', { a: { b: '{{ a.c }}', c: 'x' } }, 'w')).toBe('{{ a.c }}');
  });

  it('names the location and the known keys for unknown placeholders, never secret values', () => {
    expect(() => render('{{ urls.nope }}')).toThrow(
      'services.web.environment.X: unknown placeholder `{{ urls.nope }}`; known: env.pr, secrets.db_password, urls.api, urls.api.v2, urls.my-web',
    );
    try {
      render('{{ secrets.nope }}');
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).where).toBe('services.web.environment.X');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it.each([
    '{{ urls }}',
    '{{ urls. }}',
    '{{ .api }}',
    '{{ urls.api',
    '{{ urls.api }',
    '{{}}',
    '{{ 1x.y }}',
    '{{ urls.api | upper }}',
  ])('refuses malformed %j', (input) => {
    expect(() => render(input)).toThrow(/malformed placeholder/);
  });

  it('does not read inherited properties', () => {
    expect(() => render('{{ urls.constructor }}')).toThrow(/unknown placeholder/);
    expect(() => render('{{ toString.x }}')).toThrow(/unknown placeholder/);
  });

  it('hasTemplate spots placeholders', () => {
    expect(hasTemplate('a {{ urls.api }}')).toBe(true);
    expect(hasTemplate('${A}')).toBe(false);
  });
});

describe('renderTemplateMap', () => {
  it('renders every value and names the key on error', () => {
    expect(renderTemplateMap({ A: '{{ env.pr }}', B: 'b' }, context, 'x')).toEqual({
      A: '1',
      B: 'b',
    });
    expect(() =>
      renderTemplateMap({ A: 'ok', B: '{{ env.nope }}' }, context, 'services.api.environment'),
    ).toThrow(/^services\.api\.environment\.B: unknown placeholder/);
  });
});
