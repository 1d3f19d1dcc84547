/** Every single-file component compiles (template and script), as the build would. */
/// <reference types="vite/client" />
import { compileScript, compileStyle, compileTemplate, parse } from '@vue/compiler-sfc';
import { describe, expect, it } from 'vitest';

// Sources through Vite's glob import (the renderer's code imports no Node modules, tests included).
const sources = import.meta.glob<string>('./**/*.vue', { query: '?raw', import: 'default', eager: true });

describe('single-file components', () => {
  const files = Object.keys(sources);
  it('finds the views', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const f of files) {
    it(f, () => {
      const { descriptor, errors } = parse(sources[f], { filename: f });
      expect(errors).toEqual([]);
      const script = compileScript(descriptor, { id: 'x', inlineTemplate: true });
      expect(script.content.length).toBeGreaterThan(0);
      if (descriptor.template) {
        const tpl = compileTemplate({
          source: descriptor.template.content,
          filename: f,
          id: 'x',
          compilerOptions: { bindingMetadata: script.bindings },
        });
        expect(tpl.errors).toEqual([]);
      }
      for (const s of descriptor.styles)
        expect(compileStyle({ source: s.content, filename: f, id: 'data-v-x', scoped: s.scoped }).errors).toEqual([]);
    });
  }
});
