/**
 * Monaco with YAML: the editor and monaco-yaml workers bundled by Vite (no
 * remote content, CSP `worker-src 'self'`), and the flow JSON Schema for
 * completion, hover and validation.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';

let configured = false;

/** Configures Monaco once with the flow schema; returns the monaco namespace. */
export function setupMonaco(schemaUri: string, schema: unknown): typeof monaco {
  if (configured) return monaco;
  configured = true;
  (globalThis as { MonacoEnvironment?: monaco.Environment }).MonacoEnvironment = {
    getWorker(_id: string, label: string): Worker {
      return label === 'yaml' ? new YamlWorker() : new EditorWorker();
    },
  };
  configureMonacoYaml(monaco, {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    validate: true,
    schemas: [
      {
        uri: schemaUri,
        fileMatch: ['**/*.flow.yaml', '**/*.flow.yml'],
        schema: schema as never,
      },
    ],
  });
  return monaco;
}

/** The Monaco model URI of a flow path (`flows/poc/x.flow.yaml`): its modeline resolves to the schema. */
export function modelUri(path: string): monaco.Uri {
  return monaco.Uri.parse(`file:///${path}`);
}

export { monaco };
