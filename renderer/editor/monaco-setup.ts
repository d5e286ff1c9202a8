/**
 * Monaco with YAML: the editor and monaco-yaml workers bundled by Vite (no
 * remote content, CSP `worker-src 'self'`), and the flow JSON Schema for
 * completion, hover and validation.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import {
  conf as tsConf,
  language as tsLanguage,
} from 'monaco-editor/esm/vs/basic-languages/typescript/typescript.js';
import { configureMonacoYaml } from 'monaco-yaml';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';

let configured = false;
let workers = false;

/** Language id of generated TypeScript: highlighting only, no TypeScript worker (nothing to check). */
export const GENERATED_TS = 'flowspec-generated-ts';

/** Sets Monaco's workers (bundled, same origin) and the generated-code language, once. */
export function setupWorkers(): typeof monaco {
  if (workers) return monaco;
  workers = true;
  (globalThis as { MonacoEnvironment?: monaco.Environment }).MonacoEnvironment = {
    getWorker(_id: string, label: string): Worker {
      return label === 'yaml' ? new YamlWorker() : new EditorWorker();
    },
  };
  monaco.languages.register({ id: GENERATED_TS, extensions: [] });
  monaco.languages.setMonarchTokensProvider(GENERATED_TS, tsLanguage);
  monaco.languages.setLanguageConfiguration(GENERATED_TS, tsConf);
  return monaco;
}

/** Configures Monaco once with the flow schema; returns the monaco namespace. */
export function setupMonaco(schemaUri: string, schema: unknown): typeof monaco {
  if (configured) return monaco;
  configured = true;
  setupWorkers();
  configureMonacoYaml(monaco, {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    validate: true,
    schemas: [
      {
        uri: schemaUri,
        // Every YAML file the editor opens is a flow (outside flows/ too, whatever its name).
        fileMatch: ['**/*.yaml', '**/*.yml'],
        schema: schema as never,
      },
    ],
  });
  return monaco;
}

/**
 * The Monaco model URI of a flow path (`flows/poc/x.flow.yaml`): its modeline
 * resolves to the schema. A file opened outside the project keeps its own path.
 */
export function modelUri(path: string): monaco.Uri {
  return path.startsWith('/') || /^[A-Za-z]:/.test(path)
    ? monaco.Uri.file(path)
    : monaco.Uri.parse(`file:///${path}`);
}

export { monaco };
