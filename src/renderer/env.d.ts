declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** Vite's `?raw` import: the file's text, bundled into the renderer (resources/models/sample-corpus.csv). */
declare module '*.csv?raw' {
  const text: string;
  export default text;
}
